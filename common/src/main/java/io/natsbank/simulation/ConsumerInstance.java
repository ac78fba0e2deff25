package io.natsbank.simulation;

import io.natsbank.node.ConsumerNode;
import io.natsbank.node.ConsumerStore;
import io.natsbank.protocol.ConsumerCore;
import io.natsbank.protocol.ProtocolMessage;
import java.util.List;
import java.util.random.RandomGenerator;

/** A consumer process: takes postings and confirms from producers. */
final class ConsumerInstance extends Instance {
  private final ConsumerCore.Settings settings;
  private final ConsumerStore store;
  private final Inbox<ProtocolMessage> messages;
  private ConsumerNode node;

  ConsumerInstance(World world, ConsumerCore.Settings settings, ConsumerStore sharedStore, int index,
      RandomGenerator random) {
    super(world, settings.self(), index, random);
    this.settings = settings;
    this.store = new FaultyConsumerStore(sharedStore, this);
    this.messages = new Inbox<>(world.scheduler(), random, BATCH_SIZE_MAX, this::onMessages);
  }

  void deliver(ProtocolMessage message) {
    messages.add(message);
  }

  @Override
  protected void startNode() {
    ConsumerCore core = world.wiring().consumerCores().apply(settings);
    node = new ConsumerNode(core, store, outbox(), clock(), random, events());
  }

  @Override
  protected void clearInboxes() {
    messages.clear();
  }

  @Override
  protected int resendDue(int limit) {
    return node.resendDue(limit);
  }

  private void onMessages(List<ProtocolMessage> batch) {
    world.step(this, "postings", () -> {
      node.onMessages(batch);
      return batch.size();
    });
  }
}
