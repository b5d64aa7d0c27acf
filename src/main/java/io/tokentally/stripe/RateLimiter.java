package io.tokentally.stripe;

import java.util.concurrent.TimeUnit;

/** Spaces calls evenly at a fixed rate (no bursts): the next call may start one interval after the last. */
final class RateLimiter {

    private final long intervalNanos;
    private long next;

    RateLimiter(int permitsPerSecond) {
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / permitsPerSecond;
        this.next = System.nanoTime();
    }

    synchronized void acquire() throws InterruptedException {
        long now = System.nanoTime();
        if (next > now) {
            TimeUnit.NANOSECONDS.sleep(next - now);
            now = next;
        }
        next = now + intervalNanos;
    }
}
