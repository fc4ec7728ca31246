package routes.ingest;

/** Where inputs that resume by position (Kafka partitions, inbox files) find how far they journaled. */
public interface SourcePositions {

    /** The position journaled last for a source, or -1 when none is known. */
    long position(String source);

    /** Forgets a source the input is done with. */
    void forget(String source);

    /** Knows no source: everything starts from the beginning. */
    SourcePositions NONE = new SourcePositions() {
        @Override
        public long position(String source) {
            return -1;
        }

        @Override
        public void forget(String source) {
        }
    };
}
