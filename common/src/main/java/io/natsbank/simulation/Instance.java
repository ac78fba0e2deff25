package io.natsbank.simulation;

import io.natsbank.node.NodeEvents;
import io.natsbank.node.Outbox;
import io.natsbank.protocol.ProtocolMessage;
import io.natsbank.protocol.Refusal;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One process (pod) of a participant: a node over the participant's shared store, its inboxes, its
 * re-send timer, its own clock skew. It can crash at any point, and is made to at the points that
 * matter: just before a commit, just after one, between two sends. Then everything not committed is
 * lost, its inboxes are emptied, its outbox drops everything, and its pending events are ignored
 * (each event carries the generation it was scheduled in; a crash or a restart starts a new one).
 */
abstract class Instance implements Network.Endpoint {
  static final long CLOCK_SKEW_MILLIS_MAX = 50;
  static final int BATCH_SIZE_MAX = 8;
  static final long RESEND_PERIOD_TICKS_MIN = 5;
  static final long RESEND_PERIOD_TICKS_MAX = 40;

  protected final World world;
  protected final String participant;
  protected final RandomGenerator random;
  private final String address;
  private final long clockSkewMillis;
  private final long resendPeriodTicks;
  private final int resendLimit;
  private boolean up;
  private int generation;

  Instance(World world, String participant, int index, RandomGenerator random) {
    this.world = world;
    this.participant = participant;
    this.address = participant + "#" + index;
    this.random = random;
    this.clockSkewMillis = random.nextLong(-CLOCK_SKEW_MILLIS_MAX, CLOCK_SKEW_MILLIS_MAX + 1);
    this.resendPeriodTicks = random.nextLong(RESEND_PERIOD_TICKS_MIN, RESEND_PERIOD_TICKS_MAX + 1);
    this.resendLimit = 1 + random.nextInt(BATCH_SIZE_MAX);
  }

  @Override
  public final String address() {
    return address;
  }

  @Override
  public final boolean up() {
    return up;
  }

  final int generation() {
    return generation;
  }

  final LongSupplier clock() {
    return () -> world.clockMillis() + clockSkewMillis;
  }

  final Outbox outbox() {
    return messages -> messages.forEach(this::send);
  }

  final NodeEvents events() {
    return (String what, UUID transferId, Refusal refusal) -> world.refused(address, what, transferId, refusal);
  }

  /** Starts (or restarts) the process: a fresh node over the same store, a fresh re-send timer. */
  final void start() {
    world.tracer().log(() -> address + (generation == 0 ? " starts" : " restarts"));
    up = true;
    generation++;
    startNode();
    scheduleResend(generation);
  }

  final void crash() {
    if (!up) {
      return;
    }
    world.tracer().log(() -> address + " CRASHES");
    up = false;
    generation++;
    clearInboxes();
    world.crashed(this);
  }

  /** Crashes now and returns the exception that unwinds the step. */
  final SimulatedCrash crashNow() {
    crash();
    return new SimulatedCrash(address);
  }

  /** A transaction begins: it fails if the participant's database is down. */
  final void beforeTransaction() {
    if (world.storeDown(participant)) {
      throw new StoreUnavailable(participant);
    }
  }

  /** A transaction that wrote is about to commit: the process may die first, and the store keep nothing. */
  final void beforeCommit(boolean wrote) {
    if (wrote && up && world.crashHere()) {
      world.stats().crashesBeforeCommit++;
      world.tracer().log(() -> address + " dies before its commit");
      throw crashNow();
    }
  }

  /** A transaction that wrote has committed: the process may die before it sends anything. */
  final void afterCommit(boolean wrote) {
    if (wrote && up && world.crashHere()) {
      world.stats().crashesAfterCommit++;
      world.tracer().log(() -> address + " dies right after its commit");
      throw crashNow();
    }
  }

  private void send(ProtocolMessage message) {
    if (up && world.crashHere()) {
      world.stats().crashesDuringSends++;
      world.tracer().log(() -> address + " dies before sending " + Tracer.describe(message));
      crash();
    }
    if (!up) {
      world.stats().lostInCrash++;
      return;
    }
    world.route(address, message);
  }

  private void scheduleResend(int scheduledGeneration) {
    long jittered = resendPeriodTicks / 2 + random.nextLong(resendPeriodTicks / 2 + 1);
    world.scheduler().after(jittered, () -> {
      if (scheduledGeneration != generation) {
        return;
      }
      world.step(this, "re-send", () -> resendDue(resendLimit));
      if (scheduledGeneration == generation) {
        scheduleResend(scheduledGeneration);
      }
    });
  }

  protected abstract void startNode();

  protected abstract void clearInboxes();

  protected abstract int resendDue(int limit);
}
