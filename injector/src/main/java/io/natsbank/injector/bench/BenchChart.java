package io.natsbank.injector.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import javax.imageio.ImageIO;

/**
 * The benchmark's chart, drawn with plain java.awt (headless) into a PNG: throughput over time of each
 * phase against pgbench's rate, the open loop's latency over time, and its latency by percentile.
 */
final class BenchChart {
  static final int WIDTH = 1200;
  static final int PANEL_HEIGHT = 330;
  private static final int MARGIN_LEFT = 90;
  private static final int MARGIN_RIGHT = 190;
  private static final int MARGIN_TOP = 34;
  private static final int MARGIN_BOTTOM = 46;
  static final Color BATCHED = new Color(0x1f77b4);
  static final Color OPEN = new Color(0x2ca02c);
  static final Color NAIVE = new Color(0xd62728);
  static final Color EXTRA = new Color(0x9467bd);
  static final Color PGBENCH = new Color(0x555555);
  private static final Stroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
      new float[] {6, 5}, 0);

  /** One line on a panel. */
  record Line(String name, Color color, double[] xs, double[] ys, boolean dashed) {}

  /** One panel: its lines, axis titles, and whether y (or x, as "nines") is logarithmic. */
  record Panel(String title, String xTitle, String yTitle, List<Line> lines, boolean logY, boolean ninesX,
      double[] verticalMarkers) {}

  private BenchChart() {}

  static void write(Path file, String heading, List<Panel> panels) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int height = 40 + panels.size() * PANEL_HEIGHT;
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(heading, 16, 26);
      for (int i = 0; i < panels.size(); i++) {
        drawPanel(g, panels.get(i), 40 + i * PANEL_HEIGHT);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
  }

  private static void drawPanel(Graphics2D g, Panel panel, int top) {
    int left = MARGIN_LEFT;
    int right = WIDTH - MARGIN_RIGHT;
    int plotTop = top + MARGIN_TOP;
    int bottom = top + PANEL_HEIGHT - MARGIN_BOTTOM;
    DoubleUnaryOperator fx = panel.ninesX() ? BenchChart::nines : x -> x;
    DoubleUnaryOperator fy = panel.logY() ? y -> Math.log10(Math.max(y, 0.01)) : y -> y;
    double[] xRange = range(panel.lines(), true, fx);
    double[] yRange = range(panel.lines(), false, fy);
    if (panel.ninesX()) {
      xRange = new double[] {0, Math.max(2, Math.ceil(xRange[1]))};
    }
    if (panel.logY()) {
      yRange = new double[] {Math.floor(yRange[0]), Math.ceil(yRange[1] + 0.05)};
    } else {
      yRange = new double[] {0, niceCeiling(yRange[1] * 1.08)};
    }
    Scale scale = new Scale(left, right, plotTop, bottom, xRange, yRange);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.setColor(Color.BLACK);
    g.drawString(panel.title(), left, top + 20);
    drawGrid(g, panel, scale);
    for (double marker : panel.verticalMarkers()) {
      g.setColor(new Color(0xbbbbbb));
      g.setStroke(DASHED);
      int x = scale.x(fx.applyAsDouble(marker));
      g.drawLine(x, plotTop, x, bottom);
    }
    for (Line line : panel.lines()) {
      g.setColor(line.color());
      g.setStroke(line.dashed() ? DASHED : new BasicStroke(2f));
      int previousX = Integer.MIN_VALUE;
      int previousY = 0;
      for (int i = 0; i < line.xs().length; i++) {
        int x = scale.x(fx.applyAsDouble(line.xs()[i]));
        int y = scale.y(fy.applyAsDouble(line.ys()[i]));
        if (previousX != Integer.MIN_VALUE) {
          g.drawLine(previousX, previousY, x, y);
        }
        if (line.xs().length <= 20) {
          g.fillOval(x - 3, y - 3, 6, 6);
        }
        previousX = x;
        previousY = y;
      }
    }
    drawLegend(g, panel.lines(), right + 14, plotTop + 4);
    g.setStroke(new BasicStroke(1f));
  }

  private static void drawGrid(Graphics2D g, Panel panel, Scale scale) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics metrics = g.getFontMetrics();
    g.setStroke(new BasicStroke(1f));
    for (double tick : ticks(scale.yRange(), panel.logY())) {
      int y = scale.y(tick);
      g.setColor(new Color(0xeeeeee));
      g.drawLine(scale.left(), y, scale.right(), y);
      g.setColor(Color.DARK_GRAY);
      String label = panel.logY() ? format(Math.pow(10, tick)) : format(tick);
      g.drawString(label, scale.left() - 6 - metrics.stringWidth(label), y + 4);
    }
    for (double tick : ticks(scale.xRange(), false)) {
      int x = scale.x(tick);
      g.setColor(new Color(0xeeeeee));
      g.drawLine(x, scale.top(), x, scale.bottom());
      g.setColor(Color.DARK_GRAY);
      String label = panel.ninesX() ? format(100 - 100 * Math.pow(10, -tick)) + "%" : format(tick);
      g.drawString(label, x - metrics.stringWidth(label) / 2, scale.bottom() + 15);
    }
    g.setColor(Color.BLACK);
    g.drawRect(scale.left(), scale.top(), scale.right() - scale.left(), scale.bottom() - scale.top());
    g.drawString(panel.xTitle(), (scale.left() + scale.right()) / 2 - metrics.stringWidth(panel.xTitle()) / 2,
        scale.bottom() + 33);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString(panel.yTitle(), -(scale.top() + scale.bottom()) / 2 - metrics.stringWidth(panel.yTitle()) / 2,
        scale.left() - 62);
    rotated.dispose();
  }

  private static void drawLegend(Graphics2D g, List<Line> lines, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int row = 0;
    for (Line line : lines) {
      int rowY = y + row * 18;
      g.setColor(line.color());
      g.setStroke(line.dashed() ? DASHED : new BasicStroke(2f));
      g.drawLine(x, rowY + 6, x + 22, rowY + 6);
      g.setColor(Color.BLACK);
      g.drawString(line.name(), x + 28, rowY + 10);
      row++;
    }
  }

  /** x on the "nines" scale: 0 at the 0th percentile, 1 at 90%, 2 at 99%, 3 at 99.9%... */
  static double nines(double percentile) {
    return percentile >= 100 ? 5 : -Math.log10(1 - percentile / 100);
  }

  private static double[] range(List<Line> lines, boolean xAxis, DoubleUnaryOperator f) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Line line : lines) {
      for (double value : xAxis ? line.xs() : line.ys()) {
        double mapped = f.applyAsDouble(value);
        if (Double.isFinite(mapped)) {
          min = Math.min(min, mapped);
          max = Math.max(max, mapped);
        }
      }
    }
    if (min == Double.POSITIVE_INFINITY) {
      return new double[] {0, 1};
    }
    return max > min ? new double[] {min, max} : new double[] {min, min + 1};
  }

  private static List<Double> ticks(double[] range, boolean log) {
    List<Double> ticks = new ArrayList<>();
    if (log) {
      for (double tick = Math.ceil(range[0]); tick <= range[1] + 1e-9; tick++) {
        ticks.add(tick);
      }
      return ticks;
    }
    double step = niceCeiling((range[1] - range[0]) / 6);
    for (double tick = Math.ceil(range[0] / step) * step; tick <= range[1] + 1e-9; tick += step) {
      ticks.add(tick);
    }
    return ticks;
  }

  /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code value}. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
      if (factor * power >= value) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  private static String format(double value) {
    if (Math.abs(value - Math.rint(value)) < 1e-9) {
      return String.format(Locale.ROOT, "%,d", (long) Math.rint(value));
    }
    return String.format(Locale.ROOT, Math.abs(value) < 1 ? "%.2f" : "%.1f", value).replaceAll("\\.?0+$", "");
  }

  private record Scale(int left, int right, int top, int bottom, double[] xRange, double[] yRange) {
    int x(double value) {
      return left + (int) Math.round((value - xRange[0]) / (xRange[1] - xRange[0]) * (right - left));
    }

    int y(double value) {
      double clamped = Math.max(yRange[0], Math.min(yRange[1], value));
      return bottom - (int) Math.round((clamped - yRange[0]) / (yRange[1] - yRange[0]) * (bottom - top));
    }
  }
}
