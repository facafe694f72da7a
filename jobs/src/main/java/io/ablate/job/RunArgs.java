package io.ablate.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's arguments, the {@code args} column of the {@code runs} table: a JSON object of the
 * options that decide its results, in the order they were put, written by Jackson (strings
 * escaped, NaN and infinities as strings), so that a run can be repeated from its record.
 */
public final class RunArgs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> values = new LinkedHashMap<>();

  /** Adds an argument: a string, number, boolean or null. */
  public RunArgs put(String name, Object value) {
    values.put(name, value);
    return this;
  }

  /** The JSON object. */
  public String json() {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("run arguments are not JSON: " + values, e);
    }
  }

  /** Reads the JSON object of a run's {@code args} back (for tests and reports). */
  public static Map<String, Object> parse(String json) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(json, LinkedHashMap.class);
      return m;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON object: " + json, e);
    }
  }

  @Override
  public String toString() {
    return json();
  }
}
