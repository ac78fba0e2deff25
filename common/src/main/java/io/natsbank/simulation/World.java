package io.natsbank.simulation;

import io.natsbank.protocol.Backoff;
import io.natsbank.protocol.Confirm;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.Posting;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Refusal;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import io.natsbank.store.memory.MemoryConsumerStore;
import io.natsbank.store.memory.MemoryProducerStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything one run is made of: the participants with their stores and instances, the network, the
 * client, the clock and the fault schedule. It routes messages, guards every node step, and knows
 * whether the system is quiet.
 */
final class World {
  static final long EPOCH_MILLIS = 1_750_000_000_000L;
  static final long TICK_MILLIS = 10;
  static final Backoff BACKOFF = new Backoff(200, 2_000);
  static final long ACKED_RESEND_MILLIS = 2_000;
  static final long HEALED_DELAY_TICKS_MAX = 3;

  private final Scenario scenario;
  private final Simulation.Wiring wiring;
  private final SplittableRandom random;
  private final Scheduler scheduler = new Scheduler();
  private final Stats stats = new Stats();
  private final Violations violations = new Violations();
  private final Tracer tracer;
  private final Network network;
  private final Client client;
  private final TreeMap<String, MemoryProducerStore> producerStores = new TreeMap<>();
  private final TreeMap<String, MemoryConsumerStore> consumerStores = new TreeMap<>();
  private final TreeMap<String, List<ProducerInstance>> producers = new TreeMap<>();
  private final TreeMap<String, List<ConsumerInstance>> consumers = new TreeMap<>();
  private final List<Instance> instances = new ArrayList<>();
  private final TreeMap<String, Long> storeDownUntil = new TreeMap<>();
  private boolean faulty = true;

  World(Scenario scenario, Simulation.Wiring wiring, SplittableRandom random, Consumer<String> trace) {
    this.scenario = scenario;
    this.wiring = wiring;
    this.random = random;
    this.tracer = Tracer.to(scheduler, trace);
    this.network = new Network(scheduler, random.split(), stats, tracer, scenario.faults());
    this.client = new Client(this, scenario, random.split());
    Set<String> producerNames = new TreeSet<>();
    Set<String> consumerNames = new TreeSet<>();
    scenario.producers().forEach(producer -> producerNames.add(producer.name()));
    scenario.consumers().forEach(consumer -> consumerNames.add(consumer.name()));
    for (Scenario.Participant producer : scenario.producers()) {
      addProducer(producer, consumerNames);
    }
    for (Scenario.Participant consumer : scenario.consumers()) {
      addConsumer(consumer, producerNames);
    }
  }

  private void addProducer(Scenario.Participant producer, Set<String> consumerNames) {
    MemoryProducerStore store = new MemoryProducerStore(producer.name(), producer.accounts());
    producerStores.put(producer.name(), store);
    var settings = new ProducerCore.Settings(producer.name(), consumerNames, BACKOFF, ACKED_RESEND_MILLIS);
    var shared = wiring.producerStores().apply(store);
    List<ProducerInstance> group = new ArrayList<>();
    for (int index = 0; index < producer.instances(); index++) {
      group.add(new ProducerInstance(this, settings, shared, index, random.split()));
    }
    producers.put(producer.name(), List.copyOf(group));
    instances.addAll(group);
  }

  private void addConsumer(Scenario.Participant consumer, Set<String> producerNames) {
    MemoryConsumerStore store = new MemoryConsumerStore(consumer.name(), consumer.accounts());
    consumerStores.put(consumer.name(), store);
    var settings = new ConsumerCore.Settings(consumer.name(), producerNames, BACKOFF);
    var shared = wiring.consumerStores().apply(store);
    List<ConsumerInstance> group = new ArrayList<>();
    for (int index = 0; index < consumer.instances(); index++) {
      group.add(new ConsumerInstance(this, settings, shared, index, random.split()));
    }
    consumers.put(consumer.name(), List.copyOf(group));
    instances.addAll(group);
  }

  Scheduler scheduler() {
    return scheduler;
  }

  Stats stats() {
    return stats;
  }

  Simulation.Wiring wiring() {
    return wiring;
  }

  Client client() {
    return client;
  }

  Violations violations() {
    return violations;
  }

  Tracer tracer() {
    return tracer;
  }

  long clockMillis() {
    return EPOCH_MILLIS + scheduler.now() * TICK_MILLIS;
  }

  List<MemoryProducerStore> producerStores() {
    return List.copyOf(producerStores.values());
  }

  List<MemoryConsumerStore> consumerStores() {
    return List.copyOf(consumerStores.values());
  }

  void violation(String message) {
    violations.add("tick " + scheduler.now() + ": " + message);
    tracer.log(() -> "VIOLATION " + message);
  }

  /** Starts every instance and lays out the client's submits and the faults over the fault phase. */
  void start() {
    instances.forEach(Instance::start);
    long phase = scenario.faultPhaseTicks();
    for (int index = 0; index < scenario.transfers(); index++) {
      scheduler.at(random.nextLong(phase), client::submitNew);
    }
    for (int index = 0; index < scenario.transfers() / 3; index++) {
      scheduler.at(random.nextLong(phase), client::submitDuplicate);
    }
    for (int index = 0; index < scenario.transfers() / 6; index++) {
      scheduler.at(random.nextLong(phase), client::submitReusedId);
    }
    Scenario.Faults faults = scenario.faults();
    for (int index = 0; index < faults.crashes(); index++) {
      Instance victim = instances.get(random.nextInt(instances.size()));
      scheduler.at(random.nextLong(phase), () -> {
        if (faulty) {
          victim.crash();
        }
      });
    }
    for (int index = 0; index < faults.partitions(); index++) {
      scheduler.at(random.nextLong(phase), this::partition);
    }
    List<String> participants = new ArrayList<>(producers.keySet());
    participants.addAll(consumers.keySet());
    for (int index = 0; index < faults.storeOutages(); index++) {
      String participant = participants.get(random.nextInt(participants.size()));
      scheduler.at(random.nextLong(phase), () -> {
        stats.storeOutages++;
        long until = scheduler.now() + 1 + random.nextLong(faults.storeOutageTicksMax());
        storeDownUntil.put(participant, until);
        tracer.log(() -> "database of " + participant + " down until tick " + until);
      });
    }
  }

  private void partition() {
    if (!faulty) {
      return;
    }
    Set<String> side = new LinkedHashSet<>();
    List<String> addresses = new ArrayList<>();
    addresses.add(Client.ADDRESS);
    instances.forEach(instance -> addresses.add(instance.address()));
    for (String address : addresses) {
      if (random.nextBoolean()) {
        side.add(address);
      }
    }
    if (side.isEmpty() || side.size() == addresses.size()) {
      return;
    }
    Set<String> frozen = Set.copyOf(side);
    network.partition(frozen);
    scheduler.after(1 + random.nextLong(scenario.faults().partitionTicksMax()), () -> network.join(frozen));
  }

  /** From now on, no faults: the network heals and every instance that is down restarts. */
  void heal() {
    tracer.log(() -> "HEAL: no more faults");
    faulty = false;
    network.heal(HEALED_DELAY_TICKS_MAX);
    for (Instance instance : instances) {
      if (!instance.up()) {
        instance.start();
      }
    }
  }

  /** No transfer unfinished, no decision unconfirmed, no submit unanswered. */
  boolean quiet() {
    for (MemoryProducerStore store : producerStores.values()) {
      if (store.unfinishedCount() > 0) {
        return false;
      }
    }
    for (MemoryConsumerStore store : consumerStores.values()) {
      if (store.unconfirmedCount() > 0) {
        return false;
      }
    }
    return client.unanswered() == 0;
  }

  /** What keeps the system from being quiet, for a report. */
  String unsettled() {
    StringBuilder report = new StringBuilder();
    producerStores.forEach((name, store) -> report.append(name).append(" unfinished=")
        .append(store.unfinishedCount()).append(' '));
    consumerStores.forEach((name, store) -> report.append(name).append(" unconfirmed=")
        .append(store.unconfirmedCount()).append(' '));
    return report.append("client unanswered=").append(client.unanswered()).toString();
  }

  void crashed(Instance instance) {
    stats.crashes++;
    long down = faulty ? 1 + random.nextLong(scenario.faults().downTicksMax()) : 1;
    scheduler.after(down, () -> {
      if (!instance.up()) {
        instance.start();
      }
    });
  }

  /**
   * Runs one node step under the guard every runtime has: a crash unwinds it (expected); anything
   * else a node throws is a violation here, since the simulation injects no operating errors.
   */
  <T> T step(Instance instance, String what, Supplier<T> work) {
    stats.batches++;
    try {
      return work.get();
    } catch (SimulatedCrash crash) {
      return null;
    } catch (StoreUnavailable outage) {
      stats.storeFailures++;
      tracer.log(() -> instance.address() + " " + what + " step failed: " + outage.getMessage());
      return null;
    } catch (RuntimeException failure) {
      violation(instance.address() + " failed a " + what + " step: " + failure);
      return null;
    }
  }

  /** Whether the instance dies at this point (just before or after a commit, or before a send). */
  boolean crashHere() {
    double rate = scenario.faults().crashPointRate();
    return faulty && rate > 0 && random.nextDouble() < rate;
  }

  boolean storeDown(String participant) {
    return faulty && scheduler.now() < storeDownUntil.getOrDefault(participant, -1L);
  }

  void route(String from, ProtocolMessage message) {
    stats.protocolMessages++;
    switch (message) {
      case Posting posting -> toConsumer(from, posting);
      case Confirm confirm -> toConsumer(from, confirm);
      case Response response -> {
        List<ProducerInstance> group = producers.get(response.producer());
        if (group == null) {
          violation(from + " sent a response for transfer " + response.transferId() + " to unknown producer "
              + response.producer());
          return;
        }
        network.toGroup(from, response.producer(), group, response, instance -> instance.deliverResponse(response));
      }
    }
  }

  private void toConsumer(String from, ProtocolMessage message) {
    List<ConsumerInstance> group = consumers.get(message.consumer());
    if (group == null) {
      violation(from + " sent a message for transfer " + message.transferId() + " to unknown consumer "
          + message.consumer());
      return;
    }
    network.toGroup(from, message.consumer(), group, message, instance -> instance.deliver(message));
  }

  void submit(String producer, SubmitRequest request) {
    stats.submitRequests++;
    network.toGroup(Client.ADDRESS, producer, producers.get(producer), request,
        instance -> instance.deliverSubmit(request));
  }

  void replyToClient(String from, SubmitRequest request, SubmitDecision decision) {
    String answer = "ANSWER " + request.transferId() + " " + decision.getClass().getSimpleName();
    network.toEndpoint(from, client, answer, () -> client.onReply(request, decision));
  }

  /** Submit refusals are the client's to judge; any refused protocol message is a fault in the protocol. */
  void refused(String address, String what, UUID transferId, Refusal refusal) {
    if (what.equals("submit")) {
      stats.refusedSubmits++;
      return;
    }
    violation(address + " refused a " + what + " of transfer " + transferId + ": " + refusal.code() + " "
        + refusal.message());
  }
}
