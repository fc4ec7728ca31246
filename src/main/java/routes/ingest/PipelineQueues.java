package routes.ingest;

import org.apache.camel.Exchange;
import org.apache.camel.component.seda.BlockingQueueFactory;
import routes.model.Event;
import routes.model.RawLog;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queues of the pipeline's {@code seda:} endpoints ({@code camel.component.seda.default-queue-factory}),
 * bounded in records and in bytes as well as in messages: a message is one batch of up to a thousand records, so
 * a bound on messages alone lets one queue hold gigabytes. A sender waits while the queue is over either bound,
 * and a queue that is empty always takes the next message, however large, so nothing can wait forever.
 * The JDK's queues count only elements; this one weighs each message once, as it is queued.
 */
public final class PipelineQueues implements BlockingQueueFactory<Exchange> {

    /** What one record of a kind the estimate does not know is taken to weigh. */
    static final long UNKNOWN_RECORD_BYTES = 1024;

    private final int maxRecords;
    private final long maxBytes;

    public PipelineQueues(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    @Override
    public BlockingQueue<Exchange> create() {
        return create(Integer.MAX_VALUE);
    }

    @Override
    public BlockingQueue<Exchange> create(int capacity) {
        return new Bounded(capacity, maxRecords, maxBytes);
    }

    /** Records a message carries: the size of a batch, or one. */
    static int records(Object body) {
        return body instanceof Collection<?> batch ? batch.size() : 1;
    }

    /** About the heap a message's records take. */
    static long bytes(Object body) {
        if (body instanceof Collection<?> batch) {
            long total = 0;
            for (Object item : batch) {
                total += weigh(item);
            }
            return total;
        }
        return weigh(body);
    }

    private static long weigh(Object item) {
        return switch (item) {
            case RawLog raw -> 96 + (raw.text() == null ? 0 : text(raw.text()))
                    + (raw.structured() == null ? 0 : value(raw.structured()));
            case Event event -> 64 + value(event.fields());
            case null -> 0;
            default -> UNKNOWN_RECORD_BYTES;
        };
    }

    private static long value(Object value) {
        return switch (value) {
            case String text -> text(text);
            case Map<?, ?> map -> {
                long total = 48;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    total += 32 + value(entry.getKey()) + value(entry.getValue());
                }
                yield total;
            }
            case List<?> list -> {
                long total = 24;
                for (Object item : list) {
                    total += 8 + value(item);
                }
                yield total;
            }
            case null -> 0;
            default -> 24;
        };
    }

    /** A string's header and its characters (Latin-1 strings take one byte a character, others two). */
    private static long text(String text) {
        return 40 + 2L * text.length();
    }

    /** One queue: messages, their records and bytes, each with its bound. */
    static final class Bounded extends AbstractQueue<Exchange> implements BlockingQueue<Exchange> {
        private record Entry(Exchange exchange, int records, long bytes) {
        }

        private final int capacity;
        private final int maxRecords;
        private final long maxBytes;
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notEmpty = lock.newCondition();
        private final Condition notFull = lock.newCondition();
        private long records;
        private long bytes;

        Bounded(int capacity, int maxRecords, long maxBytes) {
            this.capacity = capacity;
            this.maxRecords = maxRecords;
            this.maxBytes = maxBytes;
        }

        /** Records queued now. */
        long queuedRecords() {
            lock.lock();
            try {
                return records;
            } finally {
                lock.unlock();
            }
        }

        /** Estimated bytes queued now. */
        long queuedBytes() {
            lock.lock();
            try {
                return bytes;
            } finally {
                lock.unlock();
            }
        }

        private boolean fits(Entry entry) {
            return entries.isEmpty() || entries.size() < capacity && records + entry.records() <= maxRecords
                    && bytes + entry.bytes() <= maxBytes;
        }

        private Entry entry(Exchange exchange) {
            if (exchange == null) {
                throw new NullPointerException("a queue takes no null");
            }
            Object body = exchange.getMessage().getBody();
            return new Entry(exchange, records(body), bytes(body));
        }

        private void enqueue(Entry entry) {
            entries.addLast(entry);
            records += entry.records();
            bytes += entry.bytes();
            notEmpty.signal();
        }

        private Exchange dequeue() {
            Entry entry = entries.pollFirst();
            if (entry == null) {
                return null;
            }
            records -= entry.records();
            bytes -= entry.bytes();
            notFull.signalAll();
            if (!entries.isEmpty()) {
                notEmpty.signal();
            }
            return entry.exchange();
        }

        @Override
        public boolean offer(Exchange exchange) {
            Entry entry = entry(exchange);
            lock.lock();
            try {
                if (!fits(entry)) {
                    return false;
                }
                enqueue(entry);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean offer(Exchange exchange, long timeout, TimeUnit unit) throws InterruptedException {
            Entry entry = entry(exchange);
            long nanos = unit.toNanos(timeout);
            lock.lockInterruptibly();
            try {
                while (!fits(entry)) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = notFull.awaitNanos(nanos);
                }
                enqueue(entry);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void put(Exchange exchange) throws InterruptedException {
            Entry entry = entry(exchange);
            lock.lockInterruptibly();
            try {
                while (!fits(entry)) {
                    notFull.await();
                }
                enqueue(entry);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Exchange poll() {
            lock.lock();
            try {
                return dequeue();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Exchange poll(long timeout, TimeUnit unit) throws InterruptedException {
            long nanos = unit.toNanos(timeout);
            lock.lockInterruptibly();
            try {
                while (entries.isEmpty()) {
                    if (nanos <= 0) {
                        return null;
                    }
                    nanos = notEmpty.awaitNanos(nanos);
                }
                return dequeue();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Exchange take() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (entries.isEmpty()) {
                    notEmpty.await();
                }
                return dequeue();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Exchange peek() {
            lock.lock();
            try {
                Entry first = entries.peekFirst();
                return first == null ? null : first.exchange();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int size() {
            lock.lock();
            try {
                return entries.size();
            } finally {
                lock.unlock();
            }
        }

        /** Messages that fit now, or 0 while the records or bytes are at their bound. */
        @Override
        public int remainingCapacity() {
            lock.lock();
            try {
                if (!entries.isEmpty() && (records >= maxRecords || bytes >= maxBytes)) {
                    return 0;
                }
                return capacity == Integer.MAX_VALUE ? Integer.MAX_VALUE : capacity - entries.size();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean remove(Object o) {
            lock.lock();
            try {
                for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
                    Entry entry = it.next();
                    if (entry.exchange() == o) {
                        it.remove();
                        records -= entry.records();
                        bytes -= entry.bytes();
                        notFull.signalAll();
                        return true;
                    }
                }
                return false;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void clear() {
            lock.lock();
            try {
                entries.clear();
                records = 0;
                bytes = 0;
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int drainTo(Collection<? super Exchange> sink) {
            return drainTo(sink, Integer.MAX_VALUE);
        }

        @Override
        public int drainTo(Collection<? super Exchange> sink, int max) {
            lock.lock();
            try {
                int moved = 0;
                while (moved < max && !entries.isEmpty()) {
                    sink.add(dequeue());
                    moved++;
                }
                return moved;
            } finally {
                lock.unlock();
            }
        }

        /** A snapshot: the queue can change while it is walked. */
        @Override
        public Iterator<Exchange> iterator() {
            lock.lock();
            try {
                List<Exchange> snapshot = new ArrayList<>(entries.size());
                for (Entry entry : entries) {
                    snapshot.add(entry.exchange());
                }
                return java.util.Collections.unmodifiableList(snapshot).iterator();
            } finally {
                lock.unlock();
            }
        }
    }
}
