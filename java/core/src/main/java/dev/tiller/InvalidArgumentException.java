package dev.tiller;

/** An argument was out of range, null where not allowed, or inconsistent with the model. */
public class InvalidArgumentException extends TillerException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(int status, String message) {
        super(status, message);
    }
}
