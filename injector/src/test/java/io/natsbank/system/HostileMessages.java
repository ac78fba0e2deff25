package io.natsbank.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natsbank.codec.ApiCodec;
import io.natsbank.codec.WireCodec;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.Currency;
import io.natsbank.protocol.Money;
import io.natsbank.protocol.Names;
import io.natsbank.protocol.Outcome;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.Refusal.Code;
import io.natsbank.protocol.RejectCause;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.protocol.TransferTerms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Hostile input for every subject and every API request of a small bank (producers p1, p2;
 * consumers c1, c2; accounts NAME-0..NAME-9 as {@link TestSystem} seeds them): a hand-written
 * corpus and jqwik generators. Every message is one that a running service must refuse with a
 * cause: it names the refusal counters ({@code refused_total.<what>.<CODE>}) one of which must
 * count it. Messages that are valid in form and content are never generated: a posting from p1
 * for a fresh id is indistinguishable from a real one (see docs/reliability.md, "authentication").
 *
 * <p>Targets: c1's postings subject (postings and confirms), p1's results subject (responses), p1's
 * submit and status API.
 */
final class HostileMessages {
  static final String PRODUCER = "p1";
  static final String OTHER_PRODUCER = "p2";
  static final String CONSUMER = "c1";
  static final String OTHER_CONSUMER = "c2";
  static final int MESSAGE_SIZE_MAX_BYTES = WireCodec.MESSAGE_SIZE_MAX_BYTES;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> WIRE_KINDS = Set.of("POSTING", "RESPONSE", "CONFIRM");
  private static final Set<String> API_KINDS = Set.of("SUBMIT", "STATUS");
  private static final Set<String> KNOWN_PARTICIPANTS = Set.of("p1", "p2", "c1", "c2");
  /** Every field a decoder reads: an "extra" field must be none of them. */
  private static final Set<String> KNOWN_FIELDS = Set.of("v", "kind", "transferId", "producer", "consumer", "payer",
      "payee", "amount", "currency", "attempt", "outcome", "cause", "reason");

  private HostileMessages() {}

  /** Where a hostile message goes. */
  enum Target {
    /** c1's postings subject: what fails to decode counts as "posting". */
    POSTINGS("posting"),
    /** p1's results subject. */
    RESULTS("response"),
    /** p1's submit API (request/reply). */
    SUBMIT("api"),
    /** p1's status API (request/reply). */
    STATUS("api");

    final String decodeCounter;

    Target(String decodeCounter) {
      this.decodeCounter = decodeCounter;
    }

    boolean isApi() {
      return this == SUBMIT || this == STATUS;
    }
  }

  /** One hostile message, what it is, and the counters one of which must count its refusal. */
  record Hostile(Target target, String what, byte[] body, Set<String> counters) {
    Set<Code> codes() {
      Set<Code> codes = new LinkedHashSet<>();
      counters.forEach(counter -> codes.add(Code.valueOf(counter.substring(counter.lastIndexOf('.') + 1))));
      return codes;
    }

    @Override
    public String toString() {
      String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
      return target + " " + what + " (" + body.length + " bytes) expecting " + counters + ": " + text;
    }
  }

  /** Transfers the bank holds before the hostile input starts, so that hostile messages can name them. */
  record Known(UUID okId, TransferTerms okTerms, UUID rejectedId, TransferTerms rejectedTerms,
      RejectCause rejectedCause, UUID rejectedAtOnceId) {
    TransferTerms termsOf(UUID id) {
      return id.equals(okId) ? okTerms : rejectedTerms;
    }
  }

  // --- the corpus ----------------------------------------------------------------------------

  /** The hand-written corpus: at least one message of every kind of hostility, for every target. */
  static List<Hostile> corpus(Known known) {
    List<Hostile> corpus = new ArrayList<>();
    UUID fresh = UUID.fromString("0193a0b0-0000-7000-8000-00000000c0de");
    for (Template template : templates(fresh)) {
      corpus.add(hostile(template, "not JSON", bytes("not json at all"), Code.MALFORMED));
      corpus.add(hostile(template, "empty body", new byte[0], Code.MALFORMED));
      corpus.add(hostile(template, "a JSON array", bytes("[1,2,3]"), Code.MALFORMED));
      corpus.add(hostile(template, "JSON null", bytes("null"), Code.MALFORMED));
      corpus.add(hostile(template, "truncated", Arrays.copyOf(template.bytes(), template.bytes().length / 2),
          Code.MALFORMED));
      corpus.add(hostile(template, "trailing content", bytes(template.text() + "{}"), Code.MALFORMED));
      corpus.add(hostile(template, "duplicate key", bytes(template.text().replaceFirst("\\{", "{\"v\":1,")),
          Code.MALFORMED));
      corpus.add(hostile(template, "single quotes", bytes(template.text().replace('"', '\'')), Code.MALFORMED));
      corpus.add(hostile(template, "invalid UTF-8", invalidUtf8(template), Code.MALFORMED));
      corpus.add(hostile(template, "nested 50 deep", with(template, "x", nested(50)), Code.MALFORMED));
      corpus.add(hostile(template, "version 2", with(template, "v", NODES.numberNode(2)),
          Code.UNSUPPORTED_VERSION));
      corpus.add(hostile(template, "version as text", with(template, "v", NODES.textNode("1")), Code.MALFORMED));
      corpus.add(hostile(template, "unknown kind", with(template, "kind", NODES.textNode("STEAL")),
          Code.UNKNOWN_KIND));
      corpus.add(hostile(template, "kind missing", without(template, "kind"), Code.MALFORMED));
      corpus.add(hostile(template, "transferId a number", with(template, "transferId", NODES.numberNode(5)),
          Code.MALFORMED));
      corpus.add(hostile(template, "transferId upper case",
          with(template, "transferId", NODES.textNode(fresh.toString().toUpperCase())), Code.MALFORMED));
      corpus.add(hostile(template, "an extra field", with(template, "admin", NODES.booleanNode(true)),
          Code.MALFORMED));
      corpus.add(hostile(template, "5 KiB", padded(template, MESSAGE_SIZE_MAX_BYTES + 1024), Code.TOO_LARGE));
      corpus.add(hostile(template, "512 KiB", padded(template, 512 * 1024), Code.TOO_LARGE));
      corpus.add(hostile(template, "a 2,000-character string", with(template, "x", NODES.textNode("y".repeat(2000))),
          Code.MALFORMED));
    }
    for (String amount : List.of("-5.00", "0.00", "0", "NaN", "Infinity", "1e3", "1.001", "1.000", "+1.00",
        " 1.00", "1,00", "0x10", "", "1000000000.01", "99999999999999999999999999999.00")) {
      corpus.add(hostile(postingTemplate(fresh), "amount '" + amount + "'",
          with(postingTemplate(fresh), "amount", NODES.textNode(amount)), Code.INVALID_AMOUNT));
      corpus.add(hostile(submitTemplate(fresh), "amount '" + amount + "'",
          with(submitTemplate(fresh), "amount", NODES.textNode(amount)), Code.INVALID_AMOUNT));
    }
    corpus.add(hostile(postingTemplate(fresh), "amount as a number",
        with(postingTemplate(fresh), "amount", NODES.numberNode(1.5)), Code.MALFORMED));
    corpus.add(hostile(postingTemplate(fresh), "currency 'EURO'",
        with(postingTemplate(fresh), "currency", NODES.textNode("EURO")), Code.MALFORMED));
    corpus.add(hostile(postingTemplate(fresh), "attempt 0", with(postingTemplate(fresh), "attempt", NODES.numberNode(0)),
        Code.MALFORMED));
    corpus.add(hostile(postingTemplate(fresh), "payee with a space",
        with(postingTemplate(fresh), "payee", NODES.textNode("c1 0")), Code.MALFORMED));
    corpus.add(hostile(responseTemplate(fresh), "REJECTED without a cause",
        without(rejectedResponseTemplate(fresh), "cause"), Code.MALFORMED));
    corpus.add(hostile(responseTemplate(fresh), "OK with a cause",
        with(responseTemplate(fresh), "cause", NODES.textNode("ACCOUNT_CLOSED")), Code.MALFORMED));
    corpus.add(hostile(confirmTemplate(fresh), "confirm of an ACK",
        with(confirmTemplate(fresh), "outcome", NODES.textNode("ACK")), Code.MALFORMED));
    corpus.addAll(semanticCorpus(known, fresh));
    return corpus;
  }

  private static List<Hostile> semanticCorpus(Known known, UUID fresh) {
    TransferTerms ok = known.okTerms();
    Money one = Money.parsePositive("1.00", Currency.EUR);
    List<Hostile> corpus = new ArrayList<>();
    corpus.add(posting("a posting for consumer c2 on c1's subject", fresh,
        new TransferTerms(PRODUCER, OTHER_CONSUMER, "p1-0", "c2-0", one), "posting", Code.WRONG_RECIPIENT));
    corpus.add(posting("a posting from a producer c1 does not serve", fresh,
        new TransferTerms("p9", CONSUMER, "p9-0", "c1-0", one), "posting", Code.UNKNOWN_PARTICIPANT));
    corpus.add(posting("p2 claiming p1's decided transfer", known.okId(),
        new TransferTerms(OTHER_PRODUCER, CONSUMER, ok.payer(), ok.payee(), ok.amount()), "posting",
        Code.TRANSFER_ID_REUSED));
    corpus.add(posting("a decided transfer's id with another amount", known.okId(),
        new TransferTerms(PRODUCER, CONSUMER, ok.payer(), ok.payee(), one), "posting", Code.TRANSFER_ID_REUSED));
    corpus.add(confirm("a confirm for a transfer c1 never decided", fresh, PRODUCER, CONSUMER, Outcome.OK,
        Code.UNKNOWN_TRANSFER));
    corpus.add(confirm("a confirm for a transfer rejected at once at p1", known.rejectedAtOnceId(), PRODUCER,
        CONSUMER, Outcome.REJECTED, Code.UNKNOWN_TRANSFER));
    corpus.add(confirm("p2 confirming p1's transfer", known.okId(), OTHER_PRODUCER, CONSUMER, Outcome.OK,
        Code.WRONG_RECIPIENT));
    corpus.add(confirm("a confirm for c2 on c1's subject", known.okId(), PRODUCER, OTHER_CONSUMER, Outcome.OK,
        Code.WRONG_RECIPIENT));
    corpus.add(confirm("a confirm contradicting the decision", known.okId(), PRODUCER, CONSUMER, Outcome.REJECTED,
        Code.CONTRADICTORY));
    corpus.add(new Hostile(Target.POSTINGS, "a response on a consumer's subject", WireCodec.encode(
        new Response(fresh, PRODUCER, CONSUMER, Outcome.OK, null, null, 1)), counters("posting", Code.UNKNOWN_KIND)));
    corpus.add(response("a response for a transfer p1 never sent", fresh, PRODUCER, CONSUMER, Outcome.OK, null,
        Code.UNKNOWN_TRANSFER));
    corpus.add(response("a response for p2 on p1's subject", known.okId(), OTHER_PRODUCER, CONSUMER, Outcome.OK,
        null, Code.WRONG_RECIPIENT));
    corpus.add(response("c2 answering for c1's transfer", known.okId(), PRODUCER, OTHER_CONSUMER, Outcome.OK,
        null, Code.WRONG_RECIPIENT));
    corpus.add(response("a response contradicting the outcome", known.okId(), PRODUCER, CONSUMER,
        Outcome.REJECTED, RejectCause.UNKNOWN_ACCOUNT, Code.CONTRADICTORY));
    corpus.add(response("a response for a transfer rejected at once", known.rejectedAtOnceId(), PRODUCER, CONSUMER,
        Outcome.OK, null, Code.CONTRADICTORY));
    corpus.add(new Hostile(Target.RESULTS, "a posting on a producer's subject", WireCodec.encode(new Posting(fresh,
        known.okTerms(), 1)), counters("response", Code.UNKNOWN_KIND)));
    corpus.add(submit("a submit to an unknown consumer", fresh, "c9", "p1-0", "c1-0", one, Code.UNKNOWN_PARTICIPANT));
    corpus.add(submit("a submit from p2's account", fresh, CONSUMER, "p2-0", "c1-0", one, Code.UNKNOWN_ACCOUNT));
    corpus.add(submit("a submit from an account p1 does not have", fresh, CONSUMER, "p1-404", "c1-0", one,
        Code.UNKNOWN_ACCOUNT));
    corpus.add(submit("a decided transfer's id with other terms", known.okId(), CONSUMER, ok.payer(), "c1-5",
        ok.amount(), Code.TRANSFER_ID_REUSED));
    corpus.add(submit("a submit in another currency", fresh, CONSUMER, "p1-0", "c1-0",
        Money.parsePositive("1.00", Currency.USD), Code.CURRENCY_MISMATCH));
    corpus.add(new Hostile(Target.SUBMIT, "a posting sent as an API request",
        WireCodec.encode(new Posting(fresh, known.okTerms(), 1)), counters("api", Code.UNKNOWN_KIND)));
    return corpus;
  }

  // --- the generators -----------------------------------------------------------------------

  /** Every kind of hostile input, for every target. */
  static Arbitrary<Hostile> arbitrary(Known known) {
    return Arbitraries.frequencyOf(
        Tuple.of(4, templates().flatMap(HostileMessages::shapeMutations)),
        Tuple.of(2, templates().flatMap(HostileMessages::rawMutations)),
        Tuple.of(1, garbage()),
        Tuple.of(1, templates().flatMap(HostileMessages::huge)),
        Tuple.of(2, badAmounts()),
        Tuple.of(4, semantic(known)));
  }

  /** A valid-form message of every target, with a fresh id, each to be broken. */
  private static Arbitrary<Template> templates() {
    return freshIds().flatMap(id -> Arbitraries.of(templates(id)));
  }

  private static List<Template> templates(UUID id) {
    return List.of(postingTemplate(id), confirmTemplate(id), responseTemplate(id), rejectedResponseTemplate(id),
        submitTemplate(id), statusTemplate(id));
  }

  private static Arbitrary<UUID> freshIds() {
    return Arbitraries.randomValue(random -> new UUID(random.nextLong(), random.nextLong()));
  }

  private static Arbitrary<Hostile> shapeMutations(Template template) {
    List<String> fields = template.fieldNames();
    List<String> required = fields.stream().filter(field -> !template.optional().contains(field)).toList();
    Arbitrary<Hostile> missing = Arbitraries.of(required).map(field ->
        hostile(template, "without " + field, without(template, field), Code.MALFORMED));
    // JSON null in an optional field means "absent" to the codec, so it is not a wrong type there
    Arbitrary<Hostile> wrongType = Arbitraries.of(fields).flatMap(field ->
        wrongTypeFor(template.json().get(field))
            .filter(value -> !(value.isNull() && template.optional().contains(field)))
            .map(value ->
                hostile(template, field + " as " + value.getNodeType(), with(template, field, value), Code.MALFORMED)));
    Arbitrary<Hostile> extra = Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).filter(name -> !KNOWN_FIELDS.contains(name)),
            anyJson())
        .as((name, value) -> hostile(template, "extra field " + name, with(template, name, value), Code.MALFORMED));
    Arbitrary<Hostile> badValue = Arbitraries.of(fields).flatMap(field -> badValue(template, field));
    return Arbitraries.oneOf(missing, wrongType, extra, badValue);
  }

  /** A value of the field's type that the codec must refuse, with the code it refuses it with. */
  private static Arbitrary<Hostile> badValue(Template template, String field) {
    return switch (field) {
      case "v" -> Arbitraries.integers().filter(version -> version != 1).map(version ->
          hostile(template, "version " + version, with(template, "v", NODES.numberNode(version)),
              Code.UNSUPPORTED_VERSION));
      case "kind" -> shortText().filter(kind -> !kindsOf(template.target()).contains(kind)).map(kind ->
          hostile(template, "kind '" + kind + "'", with(template, "kind", NODES.textNode(kind)), Code.UNKNOWN_KIND));
      case "transferId" -> badText(template, field, text -> !isCanonicalUuid(text));
      case "producer", "consumer" -> badText(template, field, name -> !Names.PARTICIPANT.matcher(name).matches());
      case "payer", "payee" -> badText(template, field, name -> !Names.ACCOUNT.matcher(name).matches());
      case "currency" -> badText(template, field, code -> !isCurrency(code));
      case "outcome", "cause" -> badText(template, field, value -> !isEnumName(value));
      case "reason" -> Arbitraries.strings().alpha().ofMinLength(Response.REASON_LENGTH_MAX + 1).ofMaxLength(1000)
          .map(reason -> hostile(template, "a reason of " + reason.length() + " characters",
              with(template, field, NODES.textNode(reason)), Code.MALFORMED));
      case "attempt" -> Arbitraries.integers().lessOrEqual(0).map(attempt ->
          hostile(template, "attempt " + attempt, with(template, field, NODES.numberNode(attempt)), Code.MALFORMED));
      case "amount" -> invalidAmounts().map(amount ->
          hostile(template, "amount '" + amount + "'", with(template, field, NODES.textNode(amount)),
              Code.INVALID_AMOUNT));
      default -> throw new IllegalArgumentException("no bad values for field " + field);
    };
  }

  private static Arbitrary<Hostile> badText(Template template, String field, Predicate<String> bad) {
    return shortText().filter(bad).map(value ->
        hostile(template, field + " '" + value + "'", with(template, field, NODES.textNode(value)), Code.MALFORMED));
  }

  private static Arbitrary<Hostile> rawMutations(Template template) {
    byte[] bytes = template.bytes();
    String text = template.text();
    Arbitrary<Hostile> truncated = Arbitraries.integers().between(0, bytes.length - 1).map(length ->
        hostile(template, "cut to " + length + " bytes", Arrays.copyOf(bytes, length), Code.MALFORMED));
    Arbitrary<Hostile> trailing = Arbitraries.of("x", "{}", "]", "\u0000", "null", ",", "}", "{\"v\":1}").map(tail ->
        hostile(template, "followed by '" + tail + "'", bytes(text + tail), Code.MALFORMED));
    Arbitrary<Hostile> duplicate = Arbitraries.of(template.fieldNames()).map(field ->
        hostile(template, "twice " + field, bytes(text.replaceFirst("\\{",
            "{\"" + field + "\":" + template.json().get(field) + ",")), Code.MALFORMED));
    Arbitrary<Hostile> deep = Arbitraries.integers().between(9, 200).map(depth ->
        hostile(template, "nested " + depth + " deep", with(template, "x", nested(depth)), Code.MALFORMED));
    Arbitrary<Hostile> utf8 = Arbitraries.just(hostile(template, "invalid UTF-8", invalidUtf8(template),
        Code.MALFORMED));
    return Arbitraries.oneOf(truncated, trailing, duplicate, deep, utf8);
  }

  private static Arbitrary<Hostile> garbage() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(300).map(HostileMessages::bytes);
    Arbitrary<byte[]> scalars = Arbitraries.of("0", "-1", "1e999", "true", "\"SUBMIT\"", "[]", "[{}]", "{}",
        "{\"v\":1}", "{\"v\":null}").map(HostileMessages::bytes);
    return Combinators.combine(Arbitraries.of(Target.values()), Arbitraries.oneOf(bytes, text, scalars))
        .as((target, body) -> new Hostile(target, "garbage", body, counters(target.decodeCounter, Code.MALFORMED)));
  }

  private static Arbitrary<Hostile> huge(Template template) {
    return Arbitraries.integers().between(MESSAGE_SIZE_MAX_BYTES + 1, 20_000).map(size ->
        hostile(template, size + " bytes", padded(template, size), Code.TOO_LARGE));
  }

  private static Arbitrary<Hostile> badAmounts() {
    return Combinators.combine(freshIds(), invalidAmounts(), Arbitraries.of(true, false)).as((id, amount, submit) -> {
      Template template = submit ? submitTemplate(id) : postingTemplate(id);
      return hostile(template, "amount '" + amount + "'", with(template, "amount", NODES.textNode(amount)),
          Code.INVALID_AMOUNT);
    });
  }

  /** Amount texts that are not a positive plain decimal of at most two decimals and at most the limit. */
  static Arbitrary<String> invalidAmounts() {
    Arbitrary<String> named = Arbitraries.of("-1.00", "-0.01", "0", "0.00", "-0.00", "NaN", "-NaN", "Infinity",
        "-Infinity", "1e3", "1E+2", "0x10", "+1.00", " 1.00", "1.00 ", "1,00", "1.", ".5", ".", "", "١٢٣",
        "1000000000.01", "99999999999999999999999.00", "1_000.00");
    Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789.-+eE, xX_").ofMaxLength(40);
    Arbitrary<String> overScale = Combinators.combine(Arbitraries.integers().between(0, 99_999),
            Arbitraries.strings().numeric().ofMinLength(3).ofMaxLength(12))
        .as((whole, decimals) -> whole + "." + decimals);
    Arbitrary<String> negative = Arbitraries.integers().between(1, 1_000_000).map(cents ->
        "-" + cents / 100 + "." + String.format("%02d", cents % 100));
    Arbitrary<String> overLimit = Arbitraries.longs().between(1_000_000_001L, Long.MAX_VALUE).map(whole ->
        whole + ".00");
    return Arbitraries.oneOf(named, digits, overScale, negative, overLimit).filter(text -> !isValidAmount(text));
  }

  // --- valid in form, refused for what they say -------------------------------------------

  private static Arbitrary<Hostile> semantic(Known known) {
    return Arbitraries.oneOf(List.of(
        postingsForOthers(), postingsFromStrangers(), postingsReusingIds(known), confirmsForUndecided(known),
        confirmsClaimingOthers(known), contradictingConfirms(known), responsesOnPostings(),
        responsesForUnknown(), responsesForOthers(known), contradictingResponses(known), postingsOnResults(known),
        submitsToStrangers(), submitsFromStrangers(), submitsReusingIds(known), submitsInOtherCurrencies()));
  }

  private static Arbitrary<Hostile> postingsForOthers() {
    return Combinators.combine(freshIds(), participantNames().filter(name -> !name.equals(CONSUMER)), amounts())
        .as((id, consumer, amount) -> posting("a posting for " + consumer + " on c1's subject", id,
            new TransferTerms(PRODUCER, consumer, "p1-0", "c1-0", amount), "posting", Code.WRONG_RECIPIENT));
  }

  private static Arbitrary<Hostile> postingsFromStrangers() {
    return Combinators.combine(freshIds(),
            participantNames().filter(name -> !name.equals(PRODUCER) && !name.equals(OTHER_PRODUCER)), amounts())
        .as((id, producer, amount) -> posting("a posting from stranger " + producer, id,
            new TransferTerms(producer, CONSUMER, "p1-0", "c1-0", amount), "posting", Code.UNKNOWN_PARTICIPANT));
  }

  private static Arbitrary<Hostile> postingsReusingIds(Known known) {
    return Combinators.combine(Arbitraries.of(known.okId(), known.rejectedId()),
            Arbitraries.of(PRODUCER, OTHER_PRODUCER), Arbitraries.of("p1-0", "p1-1", "p2-3"),
            Arbitraries.of("c1-0", "c1-9", "c1-4"), amounts())
        .as((id, producer, payer, payee, amount) ->
            Tuple.of(id, new TransferTerms(producer, CONSUMER, payer, payee, amount)))
        .filter(reuse -> !reuse.get2().equals(known.termsOf(reuse.get1())))
        .map(reuse -> posting("a decided id with other terms", reuse.get1(), reuse.get2(), "posting",
            Code.TRANSFER_ID_REUSED));
  }

  private static Arbitrary<Hostile> confirmsForUndecided(Known known) {
    return Combinators.combine(Arbitraries.oneOf(freshIds(), Arbitraries.just(known.rejectedAtOnceId())),
            Arbitraries.of(PRODUCER, OTHER_PRODUCER), finalOutcomes())
        .as((id, producer, outcome) -> confirm("a confirm for an undecided transfer", id, producer, CONSUMER,
            outcome, Code.UNKNOWN_TRANSFER));
  }

  private static Arbitrary<Hostile> confirmsClaimingOthers(Known known) {
    Arbitrary<Hostile> otherProducer = participantNames().filter(name -> !name.equals(PRODUCER)).map(producer ->
        confirm(producer + " confirming p1's transfer", known.okId(), producer, CONSUMER, Outcome.OK,
            Code.WRONG_RECIPIENT));
    Arbitrary<Hostile> otherConsumer = participantNames().filter(name -> !name.equals(CONSUMER)).map(consumer ->
        confirm("a confirm for " + consumer + " on c1's subject", known.okId(), PRODUCER, consumer, Outcome.OK,
            Code.WRONG_RECIPIENT));
    return Arbitraries.oneOf(otherProducer, otherConsumer);
  }

  private static Arbitrary<Hostile> contradictingConfirms(Known known) {
    return Arbitraries.of(
        confirm("confirm REJECTED of an OK", known.okId(), PRODUCER, CONSUMER, Outcome.REJECTED, Code.CONTRADICTORY),
        confirm("confirm OK of a REJECTED", known.rejectedId(), PRODUCER, CONSUMER, Outcome.OK, Code.CONTRADICTORY));
  }

  private static Arbitrary<Hostile> responsesOnPostings() {
    return Combinators.combine(freshIds(), Arbitraries.of(Outcome.values())).as((id, outcome) ->
        new Hostile(Target.POSTINGS, "a " + outcome + " response on c1's subject", WireCodec.encode(
            validResponse(id, PRODUCER, CONSUMER, outcome)), counters("posting", Code.UNKNOWN_KIND)));
  }

  private static Arbitrary<Hostile> responsesForUnknown() {
    return Combinators.combine(freshIds(), Arbitraries.of(CONSUMER, OTHER_CONSUMER), Arbitraries.of(Outcome.values()))
        .as((id, consumer, outcome) -> new Hostile(Target.RESULTS, "a response for a transfer p1 never sent",
            WireCodec.encode(validResponse(id, PRODUCER, consumer, outcome)),
            counters("response", Code.UNKNOWN_TRANSFER)));
  }

  private static Arbitrary<Hostile> responsesForOthers(Known known) {
    Arbitrary<Hostile> otherProducer = Combinators.combine(
            Arbitraries.oneOf(freshIds(), Arbitraries.just(known.okId())),
            participantNames().filter(name -> !name.equals(PRODUCER)), Arbitraries.of(Outcome.values()))
        .as((id, producer, outcome) -> new Hostile(Target.RESULTS, "a response for " + producer + " on p1's subject",
            WireCodec.encode(validResponse(id, producer, CONSUMER, outcome)),
            counters("response", Code.WRONG_RECIPIENT)));
    Arbitrary<Hostile> otherConsumer = Combinators.combine(
            participantNames().filter(name -> !name.equals(CONSUMER)), Arbitraries.of(Outcome.values()))
        .as((consumer, outcome) -> new Hostile(Target.RESULTS, consumer + " answering for c1's transfer",
            WireCodec.encode(validResponse(known.okId(), PRODUCER, consumer, outcome)),
            counters("response", Code.WRONG_RECIPIENT)));
    return Arbitraries.oneOf(otherProducer, otherConsumer);
  }

  private static Arbitrary<Hostile> contradictingResponses(Known known) {
    Arbitrary<Hostile> againstOk = Arbitraries.of(RejectCause.values()).map(cause ->
        response("REJECTED " + cause + " for an OK transfer", known.okId(), PRODUCER, CONSUMER, Outcome.REJECTED,
            cause, Code.CONTRADICTORY));
    Arbitrary<Hostile> againstRejected = Arbitraries.of(RejectCause.values())
        .filter(cause -> cause != known.rejectedCause()).map(cause ->
            response("REJECTED " + cause + " for a transfer rejected otherwise", known.rejectedId(), PRODUCER,
                CONSUMER, Outcome.REJECTED, cause, Code.CONTRADICTORY));
    Arbitrary<Hostile> okForRejected = Arbitraries.just(response("OK for a REJECTED transfer", known.rejectedId(),
        PRODUCER, CONSUMER, Outcome.OK, null, Code.CONTRADICTORY));
    Arbitrary<Hostile> neverSent = Arbitraries.of(Outcome.values()).map(outcome -> new Hostile(Target.RESULTS,
        outcome + " for a transfer rejected at once", WireCodec.encode(validResponse(known.rejectedAtOnceId(),
            PRODUCER, CONSUMER, outcome)), counters("response", Code.CONTRADICTORY)));
    return Arbitraries.oneOf(againstOk, againstRejected, okForRejected, neverSent);
  }

  private static Arbitrary<Hostile> postingsOnResults(Known known) {
    return freshIds().flatMap(id -> Arbitraries.of(
        new Hostile(Target.RESULTS, "a posting on p1's results subject",
            WireCodec.encode(new Posting(id, known.okTerms(), 1)), counters("response", Code.UNKNOWN_KIND)),
        new Hostile(Target.RESULTS, "a confirm on p1's results subject",
            WireCodec.encode(new Confirm(id, PRODUCER, CONSUMER, Outcome.OK)),
            counters("response", Code.UNKNOWN_KIND))));
  }

  private static Arbitrary<Hostile> submitsToStrangers() {
    return Combinators.combine(freshIds(),
            participantNames().filter(name -> !name.equals(CONSUMER) && !name.equals(OTHER_CONSUMER)), amounts())
        .as((id, consumer, amount) -> submit("a submit to stranger " + consumer, id, consumer, "p1-0", "c1-0", amount,
            Code.UNKNOWN_PARTICIPANT));
  }

  private static Arbitrary<Hostile> submitsFromStrangers() {
    return Combinators.combine(freshIds(), accountNames().filter(name -> !name.matches("p1-[0-9]")), amounts())
        .as((id, payer, amount) -> submit("a submit from account " + payer, id, CONSUMER, payer, "c1-0", amount,
            Code.UNKNOWN_ACCOUNT));
  }

  private static Arbitrary<Hostile> submitsReusingIds(Known known) {
    TransferTerms ok = known.okTerms();
    return Combinators.combine(Arbitraries.of(CONSUMER, OTHER_CONSUMER), Arbitraries.of("p1-0", "p1-3"),
            Arbitraries.of("c1-0", "c1-5", "c2-0"), amounts())
        .as((consumer, payer, payee, amount) -> new TransferTerms(PRODUCER, consumer, payer, payee, amount))
        .filter(terms -> !terms.equals(ok))
        .map(terms -> submit("the OK transfer's id with other terms", known.okId(), terms.consumer(), terms.payer(),
            terms.payee(), terms.amount(), Code.TRANSFER_ID_REUSED));
  }

  private static Arbitrary<Hostile> submitsInOtherCurrencies() {
    return Combinators.combine(freshIds(), Arbitraries.of(Currency.values()).filter(code -> code != Currency.EUR),
            Arbitraries.integers().between(1, 500))
        .as((id, currency, whole) -> submit("a submit in " + currency, id, CONSUMER, "p1-0", "c1-0",
            Money.parsePositive(currency.scale() == 0 ? Integer.toString(whole) : whole + ".00", currency),
            Code.CURRENCY_MISMATCH));
  }

  // --- building blocks ----------------------------------------------------------------------

  /** A message of valid form: its JSON, which fields it may lack, and where it goes. */
  record Template(Target target, String name, ObjectNode json, Set<String> optional) {
    byte[] bytes() {
      return HostileMessages.bytes(json);
    }

    String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    List<String> fieldNames() {
      List<String> names = new ArrayList<>();
      json.fieldNames().forEachRemaining(names::add);
      return names;
    }
  }

  static Template postingTemplate(UUID id) {
    ObjectNode json = header("POSTING", id);
    json.put("producer", PRODUCER).put("consumer", CONSUMER).put("payer", "p1-0").put("payee", "c1-0")
        .put("amount", "1.00").put("currency", "EUR").put("attempt", 1);
    return new Template(Target.POSTINGS, "posting", json, Set.of());
  }

  static Template confirmTemplate(UUID id) {
    ObjectNode json = header("CONFIRM", id);
    json.put("producer", PRODUCER).put("consumer", CONSUMER).put("outcome", "OK");
    return new Template(Target.POSTINGS, "confirm", json, Set.of());
  }

  static Template responseTemplate(UUID id) {
    ObjectNode json = header("RESPONSE", id);
    json.put("producer", PRODUCER).put("consumer", CONSUMER).put("outcome", "OK").put("attempt", 1);
    return new Template(Target.RESULTS, "response", json, Set.of());
  }

  static Template rejectedResponseTemplate(UUID id) {
    ObjectNode json = header("RESPONSE", id);
    json.put("producer", PRODUCER).put("consumer", CONSUMER).put("outcome", "REJECTED")
        .put("cause", "UNKNOWN_ACCOUNT").put("reason", "no such account").put("attempt", 2);
    return new Template(Target.RESULTS, "rejecting response", json, Set.of("reason"));
  }

  static Template submitTemplate(UUID id) {
    ObjectNode json = header("SUBMIT", id);
    json.put("consumer", CONSUMER).put("payer", "p1-0").put("payee", "c1-0").put("amount", "1.00")
        .put("currency", "EUR");
    return new Template(Target.SUBMIT, "submit", json, Set.of());
  }

  static Template statusTemplate(UUID id) {
    return new Template(Target.STATUS, "status", header("STATUS", id), Set.of());
  }

  private static ObjectNode header(String kind, UUID id) {
    ObjectNode json = NODES.objectNode();
    json.put("v", 1).put("kind", kind).put("transferId", id.toString());
    return json;
  }

  private static Hostile hostile(Template template, String what, byte[] body, Code code) {
    String counter = template.target().decodeCounter;
    if (code != Code.MALFORMED && code != Code.TOO_LARGE && code != Code.UNSUPPORTED_VERSION
        && code != Code.UNKNOWN_KIND && code != Code.INVALID_AMOUNT) {
      throw new IllegalArgumentException(code + " is not a decoding refusal");
    }
    return new Hostile(template.target(), template.name() + ", " + what, body, counters(counter, code));
  }

  private static Hostile posting(String what, UUID id, TransferTerms terms, String counter, Code code) {
    return new Hostile(Target.POSTINGS, what, WireCodec.encode(new Posting(id, terms, 1)), counters(counter, code));
  }

  private static Hostile confirm(String what, UUID id, String producer, String consumer, Outcome outcome, Code code) {
    return new Hostile(Target.POSTINGS, what, WireCodec.encode(new Confirm(id, producer, consumer, outcome)),
        counters("confirm", code));
  }

  private static Hostile response(String what, UUID id, String producer, String consumer, Outcome outcome,
      RejectCause cause, Code code) {
    return new Hostile(Target.RESULTS, what, WireCodec.encode(new Response(id, producer, consumer, outcome, cause,
        cause == null ? null : "forged", 3)), counters("response", code));
  }

  private static Response validResponse(UUID id, String producer, String consumer, Outcome outcome) {
    RejectCause cause = outcome == Outcome.REJECTED ? RejectCause.UNKNOWN_ACCOUNT : null;
    return new Response(id, producer, consumer, outcome, cause, null, 1);
  }

  private static Hostile submit(String what, UUID id, String consumer, String payer, String payee, Money amount,
      Code code) {
    return new Hostile(Target.SUBMIT, what, ApiCodec.encodeSubmit(new SubmitRequest(id, consumer, payer, payee,
        amount)), counters("submit", code));
  }

  static Set<String> counters(String what, Code... codes) {
    Set<String> counters = new LinkedHashSet<>();
    for (Code code : codes) {
      counters.add("refused_total." + what + "." + code);
    }
    return counters;
  }

  private static Set<String> kindsOf(Target target) {
    return target.isApi() ? API_KINDS : WIRE_KINDS;
  }

  private static Arbitrary<Outcome> finalOutcomes() {
    return Arbitraries.of(Outcome.OK, Outcome.REJECTED);
  }

  private static Arbitrary<Money> amounts() {
    return Arbitraries.integers().between(1, 100_000).map(cents ->
        Money.parsePositive(cents / 100 + "." + String.format("%02d", cents % 100), Currency.EUR));
  }

  /** Valid participant names other than the bank's own, or one of them. */
  private static Arbitrary<String> participantNames() {
    Arbitrary<String> strangers = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
        .ofMinLength(1).ofMaxLength(32).filter(name -> Names.PARTICIPANT.matcher(name).matches());
    return Arbitraries.oneOf(strangers, Arbitraries.of(KNOWN_PARTICIPANTS));
  }

  private static Arbitrary<String> accountNames() {
    return Arbitraries.strings().withChars("abcABC0123456789_.-p").ofMinLength(1).ofMaxLength(64)
        .filter(name -> Names.ACCOUNT.matcher(name).matches());
  }

  /** Short text of any characters (no lone surrogates, so that it survives JSON encoding). */
  private static Arbitrary<String> shortText() {
    return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(60);
  }

  private static Arbitrary<JsonNode> wrongTypeFor(JsonNode original) {
    Arbitrary<JsonNode> text = shortText().map(NODES::textNode);
    Arbitrary<JsonNode> integer = Arbitraries.integers().map(NODES::numberNode);
    Arbitrary<JsonNode> tooLong = Arbitraries.longs().greaterOrEqual(Integer.MAX_VALUE + 1L).map(NODES::numberNode);
    Arbitrary<JsonNode> fraction = Arbitraries.doubles().map(value -> (JsonNode) NODES.numberNode(value + 0.5));
    Arbitrary<JsonNode> other = Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode(),
        NODES.arrayNode(), NODES.arrayNode().add(1), NODES.objectNode(), NODES.objectNode().put("a", "b"));
    return original.isTextual() ? Arbitraries.oneOf(integer, fraction, other)
        : Arbitraries.oneOf(text, fraction, tooLong, other);
  }

  private static Arbitrary<JsonNode> anyJson() {
    return Arbitraries.oneOf(shortText().map(NODES::textNode), Arbitraries.integers().map(NODES::numberNode),
        Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode()));
  }

  private static JsonNode nested(int depth) {
    JsonNode node = NODES.numberNode(1);
    for (int i = 0; i < depth; i++) {
      node = NODES.arrayNode().add(node);
    }
    return node;
  }

  private static byte[] with(Template template, String field, JsonNode value) {
    ObjectNode copy = template.json().deepCopy();
    copy.set(field, value);
    return bytes(copy);
  }

  private static byte[] without(Template template, String field) {
    ObjectNode copy = template.json().deepCopy();
    copy.remove(field);
    return bytes(copy);
  }

  /** The template with an extra field that makes it exactly {@code size} bytes long. */
  private static byte[] padded(Template template, int size) {
    int plain = with(template, "padding", NODES.textNode("")).length;
    return with(template, "padding", NODES.textNode("x".repeat(Math.max(0, size - plain))));
  }

  /** The template with a byte that can start no UTF-8 character inside its transferId. */
  private static byte[] invalidUtf8(Template template) {
    byte[] bytes = template.bytes();
    int at = template.text().indexOf("\"transferId\":\"") + "\"transferId\":\"".length();
    byte[] broken = Arrays.copyOf(bytes, bytes.length);
    broken[at] = (byte) 0xFF;
    return broken;
  }

  private static byte[] bytes(ObjectNode json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isValidAmount(String text) {
    try {
      Money.parsePositive(text, Currency.EUR);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isCanonicalUuid(String text) {
    try {
      Names.transferId(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isCurrency(String code) {
    return Arrays.stream(Currency.values()).anyMatch(currency -> currency.name().equals(code));
  }

  private static boolean isEnumName(String value) {
    return Arrays.stream(Outcome.values()).anyMatch(outcome -> outcome.name().equals(value))
        || Arrays.stream(RejectCause.values()).anyMatch(cause -> cause.name().equals(value));
  }
}
