package io.natsbank.deploy;

import io.natsbank.consumer.ConsumerMain;
import io.natsbank.injector.InjectorMain;
import io.natsbank.producer.ProducerMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The environment variables the code reads, taken from the code itself: each picocli option's
 * default {@code ${env:NATSBANK_X:-default}} (mixins and subcommands included), and the variables
 * logback.xml reads. What a container may be given and what it must be given are checked against this.
 */
final class CodeModel {
  /** The injector commands the Job runs, in order (docker/injector/injector.sh). */
  static final List<String> JOB_COMMANDS = List.of("setup", "fire", "audit");

  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(NATSBANK_[A-Z0-9_]+)(:-(.*))?}");
  private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{(NATSBANK_[A-Z0-9_]+)(:-[^}]*)?}");

  /** An environment variable an option reads; {@code fallback} null when the option has no default. */
  record Variable(String name, String option, String fallback) {}

  private CodeModel() {}

  /** The variables a container running {@code service} reads, by name. */
  static Map<String, Variable> variables(String service) {
    Map<String, Variable> variables = new LinkedHashMap<>();
    switch (service) {
      case "producer" -> collect(new CommandLine(new ProducerMain()).getCommandSpec(), variables);
      case "consumer" -> collect(new CommandLine(new ConsumerMain()).getCommandSpec(), variables);
      case "injector" -> {
        CommandLine injector = new CommandLine(new InjectorMain());
        for (String command : JOB_COMMANDS) {
          collect(injector.getSubcommands().get(command).getCommandSpec(), variables);
        }
      }
      default -> throw new IllegalArgumentException("unknown service " + service);
    }
    for (String name : logbackVariables()) {
      variables.putIfAbsent(name, new Variable(name, "logback.xml", "INFO"));
    }
    return variables;
  }

  private static void collect(CommandSpec spec, Map<String, Variable> variables) {
    for (OptionSpec option : spec.options()) {
      if (!(option.userObject() instanceof Field field) || field.getAnnotation(Option.class) == null) {
        continue;
      }
      Matcher matcher = ENV_DEFAULT.matcher(field.getAnnotation(Option.class).defaultValue());
      if (matcher.matches()) {
        variables.putIfAbsent(matcher.group(1),
            new Variable(matcher.group(1), option.longestName(), matcher.group(2) == null ? null : matcher.group(3)));
      }
    }
  }

  private static List<String> logbackVariables() {
    try (InputStream in = CodeModel.class.getResourceAsStream("/logback.xml")) {
      if (in == null) {
        throw new IllegalStateException("logback.xml is not on the class path");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return LOGBACK_VARIABLE.matcher(text).results().map(result -> result.group(1)).distinct().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
