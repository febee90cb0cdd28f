package dev.tiller;

/** A file is malformed: truncated, inconsistent, or not what it claims to be. */
public class ModelFormatException extends TillerException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(int status, String message) {
        super(status, message);
    }
}
