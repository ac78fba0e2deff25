package io.natsbank.injector;

/**
 * The end of a fire run. {@code accepted} = acknowledged (ACCEPTED or DUPLICATE); {@code refused} =
 * refused for good (e.g. an invalid request); {@code failed} = never answered within the attempts.
 * {@code ok}, {@code rejected} and {@code pending} split the accepted transfers by their last known state.
 */
public record FireResult(long submitted, long accepted, long refused, long failed, long ok, long rejected,
    long pending, long retries, double elapsedSeconds, String lastFailure) {

  public long ratePerSecond() {
    return elapsedSeconds <= 0 ? accepted : Math.round(accepted / elapsedSeconds);
  }

  public String summaryLine() {
    return "fire: submitted=" + submitted + " accepted=" + accepted + " refused=" + refused + " failed=" + failed
        + " ok=" + ok + " rejected=" + rejected + " pending=" + pending + " rate_per_s=" + ratePerSecond();
  }
}
