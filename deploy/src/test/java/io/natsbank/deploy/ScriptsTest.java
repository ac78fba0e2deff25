package io.natsbank.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell scripts of the deployment, run for real against stand-ins for the commands they drive:
 * a fake {@code java} for the injector image's entrypoint, fake {@code minikube} and {@code kubectl}
 * for scripts/minikube.sh. Each fake records its arguments, so the test sees what would have run.
 */
class ScriptsTest {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
  private static final String AUDIT_LINE = "audit: transfers=3 final=3 ok=2 rejected=1 pending=0 lost=0 duplicated=0 "
      + "mismatched=0 unconfirmed=0 conserved=true";

  @TempDir
  Path fakes;

  // --- docker/injector/injector.sh ---

  @Test
  void theJobRunsSetupFireAndAuditAndEndsWithTheAuditLine() throws Exception {
    Processes.Result result = injectorJob(Map.of());
    assertEquals(0, result.exitCode(), result.output());
    String flags = String.join(" ", jvmFlags());
    assertEquals(List.of(flags + " -jar /app/nats-bank-injector.jar setup",
        flags + " -jar /app/nats-bank-injector.jar fire",
        flags + " -jar /app/nats-bank-injector.jar audit"), calls());
    assertEquals(AUDIT_LINE, lastLine(result.output()));
  }

  @Test
  void aFailedFireIsStillAuditedAndFailsTheJob() throws Exception {
    Processes.Result result = injectorJob(Map.of("FAKE_FIRE_EXIT", "1"));
    assertEquals(1, result.exitCode(), result.output());
    assertEquals(3, calls().size());
    assertEquals(AUDIT_LINE, lastLine(result.output()), "the audit line stays the last line");
  }

  @Test
  void aFailedAuditFailsTheJobWithItsCode() throws Exception {
    Processes.Result result = injectorJob(Map.of("FAKE_AUDIT_EXIT", "1"));
    assertEquals(1, result.exitCode(), result.output());
    assertEquals(AUDIT_LINE, lastLine(result.output()));
  }

  @Test
  void nothingIsFiredWhenSetupFails() throws Exception {
    Processes.Result result = injectorJob(Map.of("FAKE_SETUP_EXIT", "3"));
    assertEquals(3, result.exitCode(), result.output());
    assertEquals(1, calls().size());
  }

  @Test
  void anyOtherArgumentsGoToTheInjectorAsTheyAre() throws Exception {
    writeFakeJava();
    Processes.Result result = Processes.run(List.of("sh", Project.path("docker/injector/injector.sh").toString(),
        "status", "0193-id", "--producer", "bank-p1"), environment(Map.of()), null, SCRIPT_TIMEOUT);
    assertEquals(0, result.exitCode(), result.output());
    assertEquals(List.of(String.join(" ", jvmFlags()) + " -jar /app/nats-bank-injector.jar status 0193-id "
        + "--producer bank-p1"), calls());
  }

  // --- scripts/minikube.sh ---

  @Test
  void minikubeScriptBuildsAppliesWaitsResumesTheJobAndPrintsItsAuditLine() throws Exception {
    Processes.Result result = minikubeScript(Map.of(), List.of());
    assertEquals(0, result.exitCode(), result.output());
    List<String> calls = calls();
    List<String> builds = calls.stream().filter(call -> call.contains(" image build ")).toList();
    assertEquals(List.of(
        "minikube -p minikube image build -t natsbank/producer:0.1.0 -f docker/producer/Dockerfile .",
        "minikube -p minikube image build -t natsbank/consumer:0.1.0 -f docker/consumer/Dockerfile .",
        "minikube -p minikube image build -t natsbank/injector:0.1.0 -f docker/injector/Dockerfile ."), builds);
    int apply = calls.indexOf("kubectl --context minikube apply -k deploy/k8s/overlays/minikube");
    int resume = calls.indexOf("kubectl --context minikube -n nats-bank patch job injector --type=merge "
        + "-p {\"spec\":{\"suspend\":false}}");
    int lastRollout = lastIndexContaining(calls, " rollout status ");
    assertTrue(apply > calls.indexOf(builds.getLast()), "builds, then applies: " + calls);
    assertTrue(lastRollout > apply && resume > lastRollout, "waits for every rollout, then resumes the Job: " + calls);
    for (String workload : List.of("statefulset/nats", "statefulset/postgres", "deployment.apps/bank-p1",
        "deployment.apps/bank-c2")) {
      assertTrue(calls.stream().anyMatch(call -> call.contains(" rollout status " + workload + " ")), workload);
    }
    assertEquals(AUDIT_LINE, result.output().lines().filter(line -> !line.contains("minikube.sh: ")).reduce(
        (first, second) -> second).orElse(""), "the audit line is what it prints on stdout");
  }

  @Test
  void minikubeScriptFailsWhenTheJobFailedAndStillShowsTheAudit() throws Exception {
    Processes.Result result = minikubeScript(Map.of("FAKE_JOB_CONDITIONS", "FailureTarget Failed"), List.of());
    assertEquals(1, result.exitCode(), result.output());
    assertTrue(result.output().contains(AUDIT_LINE), result.output());
  }

  @Test
  void minikubeScriptTearsDown() throws Exception {
    Processes.Result result = minikubeScript(Map.of(), List.of("--down"));
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(calls().stream().anyMatch(call -> call.startsWith("kubectl --context minikube delete namespace nats-bank")),
        calls().toString());
    assertTrue(calls().stream().noneMatch(call -> call.contains(" apply ") || call.contains(" image build ")));
  }

  // --- helpers ---

  private Processes.Result injectorJob(Map<String, String> exits) throws IOException, InterruptedException {
    writeFakeJava();
    return Processes.run(List.of("sh", Project.path("docker/injector/injector.sh").toString(), "job"),
        environment(exits), null, SCRIPT_TIMEOUT);
  }

  private Processes.Result minikubeScript(Map<String, String> settings, List<String> arguments)
      throws IOException, InterruptedException {
    writeFake("minikube", """
        echo "minikube $*" >> "$CALLS"
        exit 0
        """);
    writeFake("kubectl", """
        echo "kubectl $*" >> "$CALLS"
        case " $* " in
          *" get deployments -o name "*)
            printf '%s\\n' deployment.apps/bank-c1 deployment.apps/bank-c2 deployment.apps/bank-p1 deployment.apps/bank-p2 ;;
          *" get job injector "*) echo "${FAKE_JOB_CONDITIONS:-SuccessCriteriaMet Complete}" ;;
          *" logs job/injector "*) printf 'fire: submitted=3\\n%s\\n' "$AUDIT_LINE" ;;
        esac
        exit 0
        """);
    Map<String, String> environment = new HashMap<>(environment(settings));
    environment.put("AUDIT_LINE", AUDIT_LINE);
    List<String> command = new ArrayList<>(List.of("bash", Project.path("scripts/minikube.sh").toString()));
    command.addAll(arguments);
    return Processes.run(command, environment, null, SCRIPT_TIMEOUT);
  }

  private void writeFakeJava() throws IOException {
    writeFake("java", """
        echo "$*" >> "$CALLS"
        for last; do :; done
        case "$last" in
          setup) echo "setup: done"; exit "${FAKE_SETUP_EXIT:-0}" ;;
          fire) echo "fire: submitted=3 accepted=3"; exit "${FAKE_FIRE_EXIT:-0}" ;;
          audit) echo "$AUDIT_LINE"; exit "${FAKE_AUDIT_EXIT:-0}" ;;
        esac
        exit 0
        """);
  }

  private void writeFake(String name, String body) throws IOException {
    Path fake = fakes.resolve(name);
    Files.writeString(fake, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Map<String, String> environment(Map<String, String> settings) {
    Map<String, String> environment = new HashMap<>(settings);
    environment.put("PATH", fakes + ":/usr/bin:/bin");
    environment.put("CALLS", fakes.resolve("calls").toString());
    environment.put("AUDIT_LINE", AUDIT_LINE);
    return environment;
  }

  private List<String> calls() throws IOException {
    Path calls = fakes.resolve("calls");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private static List<String> jvmFlags() {
    List<String> entrypoint = Dockerfile.read(Project.dockerfile("producer")).entrypoint();
    return entrypoint.subList(1, entrypoint.indexOf("-jar"));
  }

  private static String lastLine(String output) {
    List<String> lines = output.lines().toList();
    return lines.isEmpty() ? "" : lines.getLast();
  }

  private static int lastIndexContaining(List<String> lines, String part) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }
}
