package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapWatchTests {

    private static final long MB = 1024 * 1024;

    @Test
    void thePeakCountsTheGarbageACollectionFreedAndNeverExceedsTheMaximumHeap() throws Exception {
        try (HeapWatch heap = new HeapWatch()) {
            // given 64 MB in use, then dropped
            byte[][] held = new byte[64][];
            for (int i = 0; i < held.length; i++) {
                held[i] = new byte[(int) MB];
            }
            long inUse = java.lang.management.ManagementFactory.getMemoryMXBean()
                    .getHeapMemoryUsage()
                    .getUsed();
            held = null;

            // when a collection frees it
            System.gc();
            Thread.sleep(200); // the collection's notification comes on a thread of its own

            // then the peak is at least what was in use before it, the highest after it no more, and -Xmx bounds it
            assertThat(heap.peakBytes()).isGreaterThanOrEqualTo(inUse);
            assertThat(heap.highestAfterGcBytes()).isPositive().isLessThanOrEqualTo(heap.peakBytes());
            assertThat(heap.peakBytes())
                    .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
        }
    }
}
