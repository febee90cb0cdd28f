package dev.tiller.serve;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code --parallel N} sessions over one model, each with its own KV cache. A request takes a free
 * slot or waits in a bounded queue; when the queue is full it is refused at once (503 with
 * Retry-After) rather than left to time out.
 */
final class Slots implements AutoCloseable {
    private final List<Session> all = new ArrayList<>();
    private final BlockingQueue<Session> free;
    private final int queueLimit;
    private final long maxWaitMillis;
    private final AtomicInteger waiting = new AtomicInteger();

    Slots(Model model, int parallel, SessionOptions options, int queueLimit, long maxWaitMillis) {
        this.free = new ArrayBlockingQueue<>(parallel);
        this.queueLimit = queueLimit;
        this.maxWaitMillis = maxWaitMillis;
        try {
            for (int i = 0; i < parallel; i++) {
                Session s = model.newSession(options);
                all.add(s);
                free.add(s);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A slot held by one request; closing it (once or more) gives the session back. */
    final class Lease implements AutoCloseable {
        private final Session session;
        private boolean closed;

        private Lease(Session session) {
            this.session = session;
        }

        Session session() {
            return session;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            free.add(session);
        }
    }

    /** A free session, waiting in the queue when there is none. */
    Lease acquire() throws InterruptedException {
        Session s = free.poll();
        if (s != null) return new Lease(s);
        if (waiting.incrementAndGet() > queueLimit) {
            waiting.decrementAndGet();
            throw ApiError.busy(1);
        }
        try {
            s = free.poll(maxWaitMillis, TimeUnit.MILLISECONDS);
        } finally {
            waiting.decrementAndGet();
        }
        if (s == null) throw ApiError.busy(5);
        return new Lease(s);
    }

    int size() {
        return all.size();
    }

    int busy() {
        return all.size() - free.size();
    }

    int waiting() {
        return waiting.get();
    }

    int contextLength() {
        return all.get(0).contextLength();
    }

    @Override
    public void close() {
        all.forEach(Session::close);
    }
}
