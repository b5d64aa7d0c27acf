package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapWatchTests {

    private static final long MB = 1024 * 1024;

    @Test
    void thePeakCountsTheGarbageACollectionFreed() throws Exception {
        try (HeapWatch heap = new HeapWatch()) {
            // given 64 MB in use, then dropped
            byte[][] held = new byte[64][];
            for (int i = 0; i < held.length; i++) {
                held[i] = new byte[(int) MB];
            }
            long inUse =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            held = null;

            // when a collection frees it (its notice comes on a thread of its own, within seconds)
            System.gc();
            for (int tries = 0; tries < 200 && heap.peakBytes() < inUse; tries++) {
                Thread.sleep(50);
            }

            // then the peak is at least what was in use before it, and the highest after it no more
            assertThat(heap.peakBytes()).isGreaterThanOrEqualTo(inUse);
            assertThat(heap.highestAfterGcBytes()).isPositive().isLessThanOrEqualTo(heap.peakBytes());
        }
    }
}
