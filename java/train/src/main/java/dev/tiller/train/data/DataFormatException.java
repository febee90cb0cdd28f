package dev.tiller.train.data;


/** A data file that breaks its format; the message names the file, and the row and column where they are known. */
public class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }
}
