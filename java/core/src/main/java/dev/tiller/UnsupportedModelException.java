package dev.tiller;

/** A well-formed file uses something Tiller does not support (architecture, weight type, GGUF variant). */
public class UnsupportedModelException extends TillerException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(int status, String message) {
        super(status, message);
    }
}
