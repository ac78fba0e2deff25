package io.natsbank.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop behind the admission refresh: it keeps going through failures and stops on close. */
class PeriodicTaskTest {

  @Test
  void runsAgainAfterARunThatThrowsAndStopsOnClose() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    PeriodicTask task = new PeriodicTask("test", Duration.ofMillis(5), () -> {
      runs.incrementAndGet();
      three.countDown();
      throw new IllegalStateException("database down");
    });

    assertTrue(three.await(10, TimeUnit.SECONDS), "a failing run does not stop the next");
    task.close();
    int afterClose = runs.get();
    Thread.sleep(50);
    assertEquals(afterClose, runs.get(), "nothing runs after close");
  }

  @Test
  void anIntervalMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new PeriodicTask("test", Duration.ZERO, () -> { }));
  }
}
