package io.ablate.numeric;

import io.ablate.AblateException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An exact sum of doubles (a "superaccumulator"): addition is exact for every finite double, so the
 * sum is associative and commutative and its {@link #value()} is the same bits whatever the order or
 * grouping of {@link #add} and {@link #merge} calls.
 *
 * <p><b>Representation.</b> A fixed-point binary number covering the whole double range, from bit
 * 2<sup>-1074</sup> (the smallest subnormal) to beyond 2<sup>1023</sup>, split into {@value #CHUNKS}
 * signed {@code long} chunks of 32 bits each (chunk {@code i} weighs 2<sup>32i-1074</sup>). An
 * {@link #add} splits the 53-bit significand over at most three chunks and adds or subtracts it
 * without carrying, so every chunk keeps 31 bits of carry headroom; carries are propagated
 * ("normalised") every {@value #NORMALISE_EVERY} additions, which bounds every chunk below
 * 2<sup>62</sup>. The top chunk is never masked and absorbs the overflow beyond 2<sup>1038</sup>, so a
 * sum of up to about 2<sup>60</sup> maximal doubles is still exact.
 *
 * <p><b>Non-finite values</b> are not rejected: they are counted separately (NaN, +Inf, −Inf) and
 * decide {@link #value()} as IEEE 754 addition would: NaN if any NaN was added or both infinities
 * were, otherwise the infinity that was added; the finite part is then ignored. Counts merge by
 * addition, so this too is order-independent.
 *
 * <p><b>Zero.</b> The exact sum of zeros is {@code +0.0}; the sign of a zero is not kept.
 *
 * <p>Also {@link Serializable} (for RDD aggregation); {@link #toBytes()} is the compact form.
 * {@link #add} and {@link #addProduct} do not allocate. Instances are mutable and not thread-safe
 * (like a DataSketches sketch: update, merge, serialise); {@link #value()} and {@link #toBytes()}
 * allocate and are meant for the (rare) finalisation.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Chunks 0..65 cover bits 2^-1074 .. 2^1037; chunk 66 is the unmasked top (headroom). */
  static final int CHUNKS = 67;
  private static final int TOP = CHUNKS - 1;
  /** Additions between carry normalisations (each adds &lt; 2^32 per chunk): chunks stay &lt; 2^62. */
  static final int NORMALISE_EVERY = 1 << 20;
  private static final long MASK32 = 0xFFFF_FFFFL;
  private static final int FORMAT_VERSION = 1;
  private static final BigDecimal MIN_SUBNORMAL = new BigDecimal(Double.MIN_VALUE);

  private final long[] chunks = new long[CHUNKS];
  /** Additions (in units of 2^32 per chunk) since the chunks were last normalised. */
  private int pending;
  private long nans;
  private long posInfs;
  private long negInfs;

  private ExactSum() {}

  /** A sum of nothing: {@link #value()} is {@code +0.0}. */
  public static ExactSum empty() {
    return new ExactSum();
  }

  /** Adds {@code x} exactly (non-finite values are counted, see the class comment). */
  public void add(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int exp = (int) (bits >>> 52) & 0x7FF;
    if (exp == 0x7FF) {
      addNonFinite(x);
      return;
    }
    long m = (bits & 0x000F_FFFF_FFFF_FFFFL) | (exp != 0 ? 1L << 52 : 0L);
    int p = exp != 0 ? exp - 1 : 0; // bit index of the significand's lowest bit (2^-1074 = index 0)
    int i = p >>> 5;
    int s = p & 31;
    long sign = bits >> 63; // 0 or -1: (v ^ sign) - sign negates when negative
    long lo = (m << s) & MASK32;
    long hi = m >>> (32 - s); // the bits of (m << s) above bit 31; s = 0 gives m >>> 32
    long[] c = chunks;
    c[i] += (lo ^ sign) - sign;
    c[i + 1] += ((hi & MASK32) ^ sign) - sign;
    c[i + 2] += ((hi >>> 32) ^ sign) - sign;
    if (++pending >= NORMALISE_EVERY) {
      normalise();
    }
  }

  /**
   * Adds the exact product {@code a·b}: the rounded product plus its rounding error (by FMA). Exact
   * unless the product overflows (then the rounded, infinite product is added) or its rounding error
   * falls below the subnormal range (products under about 2<sup>-969</sup>; the error term is then
   * rounded to a multiple of 2<sup>-1074</sup>). Deterministic in every case.
   */
  public void addProduct(double a, double b) {
    double p = a * b;
    add(p);
    if (Double.isFinite(p)) {
      double e = Math.fma(a, b, -p);
      if (e != 0.0) {
        add(e);
      }
    }
  }

  /** Adds {@code other} into this sum and returns this; {@code other} is not changed. */
  public ExactSum merge(ExactSum other) {
    long[] c = chunks;
    long[] o = other.chunks;
    for (int k = 0; k < CHUNKS; k++) {
      c[k] += o[k];
    }
    nans += other.nans;
    posInfs += other.posInfs;
    negInfs += other.negInfs;
    // Both sides are bounded by (pending + 1) * 2^32 per chunk.
    pending += other.pending + 1;
    if (pending >= NORMALISE_EVERY) {
      normalise();
    }
    return this;
  }

  /** An independent copy. */
  public ExactSum copy() {
    ExactSum s = new ExactSum();
    System.arraycopy(chunks, 0, s.chunks, 0, CHUNKS);
    s.pending = pending;
    s.nans = nans;
    s.posInfs = posInfs;
    s.negInfs = negInfs;
    return s;
  }

  /** True when nothing non-zero (and nothing non-finite) has been added. */
  public boolean isZero() {
    if (nans != 0 || posInfs != 0 || negInfs != 0) {
      return false;
    }
    normalise();
    for (long v : chunks) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** True when no NaN or infinity has been added. */
  public boolean isFinite() {
    return nans == 0 && posInfs == 0 && negInfs == 0;
  }

  /** The exact sum correctly rounded to the nearest double (ties to even); see the class comment. */
  public double value() {
    if (nans != 0 || (posInfs != 0 && negInfs != 0)) {
      return Double.NaN;
    }
    if (posInfs != 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (negInfs != 0) {
      return Double.NEGATIVE_INFINITY;
    }
    BigInteger units = units(); // the sum is units * 2^-1074
    int signum = units.signum();
    if (signum == 0) {
      return 0.0;
    }
    BigInteger mag = units.abs();
    int len = mag.bitLength();
    double d;
    if (len <= 53) {
      // m * 2^-1074 with m < 2^53 is exactly representable (subnormal or tiny normal).
      d = Math.scalb((double) mag.longValueExact(), -1074);
    } else {
      // The result is normal, so rounding to 53 significant bits is the correct rounding.
      int shift = len - 53;
      long q = mag.shiftRight(shift).longValueExact();
      boolean half = mag.testBit(shift - 1);
      boolean sticky = mag.getLowestSetBit() < shift - 1;
      if (half && (sticky || (q & 1) != 0)) {
        q++; // may become 2^53: still exact as a double
      }
      d = Math.scalb((double) q, shift - 1074); // overflows to Infinity as IEEE rounding does
    }
    return signum < 0 ? -d : d;
  }

  /** The exact finite sum; throws if a non-finite value was added. For tests and reports. */
  public BigDecimal toBigDecimal() {
    if (!isFinite()) {
      throw new AblateException(
          AblateException.Kind.INTERNAL, "ExactSum is not finite: " + value());
    }
    return new BigDecimal(units()).multiply(MIN_SUBNORMAL);
  }

  /** The finite part as an integer number of units of 2^-1074. */
  private BigInteger units() {
    normalise();
    BigInteger u = BigInteger.valueOf(chunks[TOP]);
    for (int k = TOP - 1; k >= 0; k--) {
      u = u.shiftLeft(32).or(BigInteger.valueOf(chunks[k]));
    }
    return u;
  }

  /**
   * Propagates carries: afterwards chunks 0..65 are in [0, 2^32) and the top chunk holds the signed
   * rest. Does not change the value.
   */
  private void normalise() {
    long[] c = chunks;
    long carry = 0;
    for (int k = 0; k < TOP; k++) {
      long v = c[k] + carry;
      c[k] = v & MASK32;
      carry = v >> 32;
    }
    c[TOP] += carry;
    pending = 0;
  }

  /**
   * A canonical, compact encoding: equal sums give equal bytes, whatever their history. Layout
   * (little-endian): version byte; flags byte (bit 0 negative, bit 1 non-finite counts follow); the
   * three counts as longs if flagged; first and last used chunk as bytes (none if zero: first &gt;
   * last); the magnitude's chunks first..min(last, 65) as 32-bit ints, then chunk 66 as a long if
   * used.
   */
  public byte[] toBytes() {
    normalise();
    long[] mag = chunks.clone();
    boolean negative = mag[TOP] < 0;
    if (negative) {
      long borrow = 0; // mag = -chunks, renormalised: two's complement of the chunk number
      for (int k = 0; k < TOP; k++) {
        long v = -mag[k] + borrow;
        mag[k] = v & MASK32;
        borrow = v >> 32;
      }
      mag[TOP] = -mag[TOP] + borrow;
    }
    int first = 0;
    while (first < CHUNKS && mag[first] == 0) {
      first++;
    }
    int last = CHUNKS - 1;
    while (last >= first && mag[last] == 0) {
      last--;
    }
    boolean counts = !isFinite();
    int size = 2 + (counts ? 24 : 0) + 2;
    if (first <= last) {
      size += 4 * (Math.min(last, TOP - 1) - first + 1) + (last == TOP ? 8 : 0);
    }
    ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    buf.put((byte) FORMAT_VERSION);
    buf.put((byte) ((negative ? 1 : 0) | (counts ? 2 : 0)));
    if (counts) {
      buf.putLong(nans).putLong(posInfs).putLong(negInfs);
    }
    if (first > last) {
      buf.put((byte) 1).put((byte) 0);
    } else {
      buf.put((byte) first).put((byte) last);
      for (int k = first; k <= Math.min(last, TOP - 1); k++) {
        buf.putInt((int) mag[k]);
      }
      if (last == TOP) {
        buf.putLong(mag[TOP]);
      }
    }
    return buf.array();
  }

  /** Reads {@link #toBytes()}; throws {@link AblateException} (bad input) on malformed bytes. */
  public static ExactSum fromBytes(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int version = buf.get();
      if (version != FORMAT_VERSION) {
        throw corrupt("unknown version " + version);
      }
      int flags = buf.get();
      if ((flags & ~3) != 0) {
        throw corrupt("unknown flags " + flags);
      }
      ExactSum s = new ExactSum();
      if ((flags & 2) != 0) {
        s.nans = buf.getLong();
        s.posInfs = buf.getLong();
        s.negInfs = buf.getLong();
        if (s.nans < 0 || s.posInfs < 0 || s.negInfs < 0) {
          throw corrupt("negative count");
        }
      }
      int first = buf.get();
      int last = buf.get();
      if (first < 0 || last >= CHUNKS || (last < first && !(first == 1 && last == 0))) {
        throw corrupt("chunk range " + first + ".." + last);
      }
      for (int k = first; k <= Math.min(last, TOP - 1); k++) {
        s.chunks[k] = buf.getInt() & MASK32;
      }
      if (last == TOP && first <= last) {
        s.chunks[TOP] = buf.getLong();
        if (s.chunks[TOP] < 0) {
          throw corrupt("negative magnitude");
        }
      }
      if ((flags & 1) != 0) {
        for (int k = 0; k < CHUNKS; k++) {
          s.chunks[k] = -s.chunks[k];
        }
        s.pending = 1; // un-normalised now, within one unit per chunk
      }
      if (buf.hasRemaining()) {
        throw corrupt(buf.remaining() + " trailing bytes");
      }
      return s;
    } catch (java.nio.BufferUnderflowException e) {
      throw new AblateException(
          AblateException.Kind.BAD_INPUT, "corrupt ExactSum bytes: truncated", e);
    }
  }

  private static AblateException corrupt(String what) {
    return AblateException.badInput("corrupt ExactSum bytes: %s", what);
  }

  private void addNonFinite(double x) {
    if (Double.isNaN(x)) {
      nans++;
    } else if (x > 0) {
      posInfs++;
    } else {
      negInfs++;
    }
  }

  @Override
  public String toString() {
    return "ExactSum[" + value() + "]";
  }
}
