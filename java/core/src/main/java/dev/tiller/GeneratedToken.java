package dev.tiller;

/**
 * One step of a generation: the token, the text that became available with it (possibly empty
 * while a UTF-8 character or a possible stop string is incomplete), and the token's
 * log-probability under the model's unmodified distribution. The token that ends the turn (EOS or
 * end-of-turn) is reported with {@code end = true} and carries any text still held back.
 */
public record GeneratedToken(int id, String text, double logProb, boolean end) {}
