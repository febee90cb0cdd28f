package dev.tiller;

/** The operation is not possible in the object's current state. */
public class SessionStateException extends TillerException {
    private static final long serialVersionUID = 1L;

    public SessionStateException(int status, String message) {
        super(status, message);
    }
}
