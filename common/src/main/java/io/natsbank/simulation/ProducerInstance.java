package io.natsbank.simulation;

import io.natsbank.node.ProducerNode;
import io.natsbank.node.ProducerStore;
import io.natsbank.protocol.ProducerCore;
import io.natsbank.protocol.ProducerCore.SubmitDecision;
import io.natsbank.protocol.Response;
import io.natsbank.protocol.SubmitRequest;
import java.util.List;
import java.util.random.RandomGenerator;

/** A producer process: takes submits from the client and responses from consumers. */
final class ProducerInstance extends Instance {
  private final ProducerCore.Settings settings;
  private final ProducerStore store;
  private final Inbox<SubmitRequest> submits;
  private final Inbox<Response> responses;
  private ProducerNode node;

  ProducerInstance(World world, ProducerCore.Settings settings, ProducerStore sharedStore, int index,
      RandomGenerator random) {
    super(world, settings.self(), index, random);
    this.settings = settings;
    this.store = new FaultyProducerStore(sharedStore, this);
    this.submits = new Inbox<>(world.scheduler(), random, BATCH_SIZE_MAX, this::onSubmits);
    this.responses = new Inbox<>(world.scheduler(), random, BATCH_SIZE_MAX, this::onResponses);
  }

  void deliverSubmit(SubmitRequest request) {
    submits.add(request);
  }

  void deliverResponse(Response response) {
    responses.add(response);
  }

  @Override
  protected void startNode() {
    ProducerCore core = world.wiring().producerCores().apply(settings);
    node = new ProducerNode(core, store, outbox(), clock(), random, events());
  }

  @Override
  protected void clearInboxes() {
    submits.clear();
    responses.clear();
  }

  @Override
  protected int resendDue(int limit) {
    return node.resendDue(limit);
  }

  private void onSubmits(List<SubmitRequest> batch) {
    int stepGeneration = generation();
    List<SubmitDecision> decisions = world.step(this, "submit", () -> node.submit(batch));
    if (decisions == null || stepGeneration != generation()) {
      return;
    }
    for (int index = 0; index < batch.size(); index++) {
      world.replyToClient(address(), batch.get(index), decisions.get(index));
    }
  }

  private void onResponses(List<Response> batch) {
    world.step(this, "responses", () -> {
      node.onResponses(batch);
      return batch.size();
    });
  }
}
