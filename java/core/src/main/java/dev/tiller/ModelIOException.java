package dev.tiller;

/** A file could not be opened, read or mapped. */
public class ModelIOException extends TillerException {
    private static final long serialVersionUID = 1L;

    public ModelIOException(int status, String message) {
        super(status, message);
    }
}
