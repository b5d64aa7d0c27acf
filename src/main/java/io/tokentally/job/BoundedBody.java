package io.tokentally.job;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects an HTTP answer's body whole, giving up once it passes a number of bytes. The parts are kept as they arrive
 * and copied once into the body, so that at most about twice the limit is held.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The failure of a body longer than the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("more than " + limit + " bytes, the most a feed may send");
        }
    }

    private final long limit;
    private final List<byte[]> parts = new ArrayList<>();
    private long size;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(long limit) {
        this.limit = limit;
    }

    /** A body not read at all: its subscription is cancelled at once, so an error answer fails without its body. */
    static HttpResponse.BodySubscriber<byte[]> unread() {
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {}

            @Override
            public void onError(Throwable failure) {}

            @Override
            public void onComplete() {}

            @Override
            public CompletionStage<byte[]> getBody() {
                return CompletableFuture.completedFuture(new byte[0]);
            }
        };
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (size + buffer.remaining() > limit) {
                subscription.cancel();
                parts.clear();
                body.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] part = new byte[buffer.remaining()];
            buffer.get(part);
            parts.add(part);
            size += part.length;
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        if (body.isDone()) {
            return;
        }
        byte[] whole = new byte[Math.toIntExact(size)];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, whole, at, part.length);
            at += part.length;
        }
        parts.clear();
        body.complete(whole);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
