package io.ablate.profile;

import io.ablate.dataset.VectorReader;
import java.io.Serializable;
import java.util.Comparator;

/**
 * What a profile is keyed by: the dataset key and the variant, empty for the raw inputs (null in
 * the table). Ordered by model, checkpoint, layer, site, then variant (raw first).
 */
public record ProfileKey(String model, String checkpoint, int layer, String site, String variant)
    implements Serializable, Comparable<ProfileKey> {
  private static final Comparator<ProfileKey> ORDER = Comparator.comparing(ProfileKey::model)
      .thenComparing(ProfileKey::checkpoint).thenComparingInt(ProfileKey::layer)
      .thenComparing(ProfileKey::site).thenComparing(ProfileKey::variant);

  public static ProfileKey of(VectorReader.Key key, String variant) {
    return new ProfileKey(key.model(), key.checkpoint(), key.layer(), key.site(), variant);
  }

  public String variantOrNull() {
    return variant.isEmpty() ? null : variant;
  }

  /** The key as one string, for seeds. */
  public String text() {
    return String.join("\u0001", model, checkpoint, Integer.toString(layer), site, variant);
  }

  @Override
  public int compareTo(ProfileKey o) {
    return ORDER.compare(this, o);
  }
}
