package routes.detect.sigma;

/** A Sigma rule that cannot be loaded or compiled; the message says precisely why. */
public final class SigmaRuleException extends RuntimeException {

    public SigmaRuleException(String reason) {
        super(reason);
    }

    public SigmaRuleException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
