package io.ablate.eval;

import java.io.Serializable;

/** One row of a prompt dataset; {@code answer} may be null. */
public record Prompt(String id, String task, String prompt, String answer) implements Serializable {}
