package io.tokentally.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap in use while it watches, read at every garbage collection: its highest just before one (the peak, garbage
 * included: the heap fills until a collection empties it) and its highest right after one (what the job kept, not
 * the garbage the collector let pile up). After a young collection the old generation may still hold garbage, so the
 * second is an upper bound of the live data.
 */
final class HeapWatch implements AutoCloseable {

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    /**
     * How many collections each collector had done when it began to watch: a notice of one of those (a collection's
     * id is its collector's count) is of a collection before the watch, delivered late.
     */
    private final Map<String, Long> collectionsBefore = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .collect(Collectors.toUnmodifiableMap(
                    GarbageCollectorMXBean::getName, GarbageCollectorMXBean::getCollectionCount));

    private final AtomicLong highestBefore = new AtomicLong();
    private final AtomicLong highestAfter = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    HeapWatch() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    /**
     * The highest heap in use so far, in bytes: before a collection, or now if more is in use now (no collection
     * ran since the heap last grew). Never more than the heap's maximum, unlike the heap pools' peaks added up, each
     * reached at another time.
     */
    long peakBytes() {
        return Math.max(
                highestBefore.get(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    /** The highest heap in use after a collection so far, in bytes; 0 if no collection ran. */
    long highestAfterGcBytes() {
        return highestAfter.get();
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        GcInfo gc = info.getGcInfo();
        if (gc.getId() <= collectionsBefore.getOrDefault(info.getGcName(), 0L)) {
            return; // a collection before the watch (the bench's own, before a night), its notice delivered late
        }
        highestBefore.accumulateAndGet(heapUsed(gc.getMemoryUsageBeforeGc()), Math::max);
        highestAfter.accumulateAndGet(heapUsed(gc.getMemoryUsageAfterGc()), Math::max);
    }

    /** The bytes in use of the heap's pools among {@code pools}. */
    private long heapUsed(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // never added to this one: nothing to remove
            }
        }
    }
}
