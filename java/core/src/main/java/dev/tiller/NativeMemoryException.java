package dev.tiller;

/** The request needs more memory than the machine can give. */
public class NativeMemoryException extends TillerException {
    private static final long serialVersionUID = 1L;

    public NativeMemoryException(int status, String message) {
        super(status, message);
    }
}
