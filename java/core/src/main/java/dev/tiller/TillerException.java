package dev.tiller;

/**
 * Base of every error the Tiller runtime reports. Subclasses say what kind of problem it is; the
 * message names the file, tensor, key or argument at fault.
 */
public class TillerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public TillerException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The native status code (see tiller.h), or 0 for errors raised on the Java side. */
    public int status() {
        return status;
    }
}
