package io.ablate.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG charts: well-formed, one mark per datum, scales that hold the data, the Pareto front. */
class ChartsTest {
  private final Random random = new Random();

  @Test
  void paretoFrontIsExactlyThePointsNoOtherPointBeats() {
    for (int trial = 0; trial < 200; trial++) {
      boolean higherBetter = random.nextBoolean();
      List<Charts.Point> points = new ArrayList<>();
      int n = 1 + random.nextInt(30);
      for (int i = 0; i < n; i++) {
        // Few distinct values, so ties on either axis are common.
        double y = random.nextInt(8);
        points.add(new Charts.Point("p" + i, "s", random.nextInt(8), i == 0 && trial % 7 == 0
            ? Double.NaN : y));
      }
      Set<Charts.Point> expected = new HashSet<>();
      for (Charts.Point p : points) {
        if (Double.isNaN(p.y())) {
          continue;
        }
        boolean beaten = false;
        for (Charts.Point q : points) {
          if (q == p || Double.isNaN(q.y())) {
            continue;
          }
          boolean yAsGood = higherBetter ? q.y() >= p.y() : q.y() <= p.y();
          boolean yBetter = higherBetter ? q.y() > p.y() : q.y() < p.y();
          // q beats p: at least as good on both, strictly better on one; of exact duplicates
          // one stands for both (the first in x-then-y order), checked by count below.
          if (q.x() <= p.x() && yAsGood && (q.x() < p.x() || yBetter)) {
            beaten = true;
          }
        }
        if (!beaten) {
          expected.add(p);
        }
      }
      List<Charts.Point> front = Charts.paretoFront(points, higherBetter);
      Set<String> frontCoordinates = new HashSet<>();
      front.forEach(p -> frontCoordinates.add(p.x() + "," + p.y()));
      Set<String> expectedCoordinates = new HashSet<>();
      expected.forEach(p -> expectedCoordinates.add(p.x() + "," + p.y()));
      assertEquals(expectedCoordinates, frontCoordinates, points.toString());
      assertEquals(frontCoordinates.size(), front.size(), "one point per place on the front");
      for (int i = 1; i < front.size(); i++) {
        assertTrue(front.get(i).x() > front.get(i - 1).x(), "in order of cost");
      }
    }
  }

  @Test
  void scalesHoldEveryFiniteValueAndTickInsideTheirDomain() {
    for (int trial = 0; trial < 500; trial++) {
      double[] v = new double[1 + random.nextInt(10)];
      double magnitude = Math.pow(10, random.nextInt(40) - 20);
      for (int i = 0; i < v.length; i++) {
        v[i] = (random.nextDouble() * 2 - (trial % 2 == 0 ? 0 : 1)) * magnitude;
      }
      Scale lin = Scale.linear(v);
      for (double x : v) {
        assertTrue(lin.contains(x), x + " in " + lin);
        double t = lin.at(x);
        assertTrue(t >= 0 && t <= 1, "at " + t);
      }
      assertTrue(lin.ticks().size() >= 2 && lin.ticks().size() <= 12, lin.toString());
      lin.ticks().forEach(t -> assertTrue(t >= lin.lo() - 1e-9 * Math.abs(lin.lo())
          && t <= lin.hi() + 1e-9 * Math.abs(lin.hi()), t + " in " + lin));
      Scale log = Scale.log(v);
      for (double x : v) {
        if (x > 0) {
          assertTrue(log.contains(x), x + " in " + log);
        } else {
          assertFalse(log.contains(x), "a log axis holds no " + x);
          assertEquals(0, log.at(x), "clamped to its low end");
        }
      }
    }
    // Nothing finite: a unit axis, not NaN coordinates.
    Scale empty = Scale.linear(Double.NaN, Double.POSITIVE_INFINITY);
    assertEquals(0, empty.lo());
    assertEquals(1, empty.hi());
    assertTrue(Double.isNaN(empty.at(Double.NaN)));
  }

  @Test
  void everyChartIsWellFormedSvgWithOneMarkPerDatumAndEscapedText() throws Exception {
    String odd = "a<b & \"c\"";
    List<Charts.Point> points = List.of(new Charts.Point(odd, "simd", 0.5, 40),
        new Charts.Point("relu", "simd", 0.2, 20), new Charts.Point("exact", "scalar", 1.0,
            Double.POSITIVE_INFINITY));
    String scatter = Charts.scatter("t", "x (ns)", Scale.log(0.2, 1.0), "y (dB)",
        Scale.linear(20, 40), points, Charts.paretoFront(points, true));
    assertEquals(3, marks(scatter).getLength());
    assertEquals(1, parse(scatter).getElementsByTagName("path").getLength() - 1,
        "the front, and the triangle of the point off the axis");
    assertTrue(scatter.contains("a&lt;b &amp; &quot;c&quot;"), scatter);

    String heat = Charts.heatmap("h", List.of("r1", odd), List.of("layer 0", "layer 1",
        "layer 2"), new double[][] {{1, 2, Double.NaN}, {Double.POSITIVE_INFINITY, -1, 0}},
        "SNR (dB)", true);
    NodeList cells = marks(heat);
    assertEquals(6, cells.getLength());
    assertEquals("#d9d9d9", ((Element) cells.item(2)).getAttribute("fill"), "NaN is grey");

    String status = Charts.statusHeatmap("s", List.of("k"), List.of("psi", "ks"),
        new double[][] {{0.3, 0.01}}, new String[][] {{"alert", "none"}});
    NodeList statusCells = marks(status);
    assertEquals(Charts.STATUS_COLOURS.get("alert"),
        ((Element) statusCells.item(0)).getAttribute("fill"));
    assertEquals(Charts.STATUS_COLOURS.get("none"),
        ((Element) statusCells.item(1)).getAttribute("fill"));

    List<Charts.Bar> bars = List.of(Charts.Bar.of("task a", "baseline", 0.5),
        Charts.Bar.of("task a", "relu", -0.25), new Charts.Bar("task b", "relu", 0.1, 0.1, 0.3),
        Charts.Bar.of("task b", "baseline", Double.NaN));
    String hbars = Charts.hbars("b", "delta", Scale.linear(-0.25, 0.5, 0), bars);
    Document doc = parse(hbars);
    assertEquals(4, marks(hbars).getLength());
    assertEquals(1, whiskers(doc), "one whisker");
    // The negative bar ends at zero; the positive one starts there.
    Element positive = (Element) marks(hbars).item(0);
    Element negative = (Element) marks(hbars).item(1);
    double zero = Double.parseDouble(positive.getAttribute("x"));
    assertEquals(zero, Double.parseDouble(negative.getAttribute("x"))
        + Double.parseDouble(negative.getAttribute("width")), 0.02);

    String steps = Charts.steps("c", "value", Scale.linear(-1, 1), "F", Scale.linear(0, 1),
        List.of(new Charts.Line("baseline", new double[] {-1, 0, 1}, new double[] {0.2, 0.6, 1}),
            new Charts.Line("candidate", new double[] {-0.5, 1}, new double[] {0.5, 1})));
    assertEquals(2, marks(steps).getLength());
  }

  private static int whiskers(Document doc) {
    int n = 0;
    NodeList lines = doc.getElementsByTagName("line");
    for (int i = 0; i < lines.getLength(); i++) {
      if ("whisker".equals(((Element) lines.item(i)).getAttribute("class"))) {
        n++;
      }
    }
    return n;
  }

  private static NodeList marks(String svg) throws Exception {
    Document doc = parse(svg);
    javax.xml.xpath.XPath xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
    return (NodeList) xpath.evaluate("//*[@class='mark']", doc,
        javax.xml.xpath.XPathConstants.NODESET);
  }

  private static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }
}
