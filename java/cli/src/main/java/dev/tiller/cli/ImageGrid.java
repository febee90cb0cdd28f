package dev.tiller.cli;

import dev.tiller.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes grey-scale images (rows of pixels in [0, 1]) as one PNG, tiled cols to a row, each scaled 2x with a 2-pixel gap. */
final class ImageGrid {
    private static final int ZOOM = 2, GAP = 2;

    private ImageGrid() {}

    static void write(Path png, float[] images, int n, int height, int width, int cols) {
        int rows = (n + cols - 1) / cols, cw = width * ZOOM + GAP, ch = height * ZOOM + GAP;
        BufferedImage img = new BufferedImage(Math.max(1, cols * cw + GAP), Math.max(1, rows * ch + GAP), BufferedImage.TYPE_BYTE_GRAY);
        var raster = img.getRaster();
        for (int k = 0; k < n; k++) {
            int ox = GAP + (k % cols) * cw, oy = GAP + (k / cols) * ch;
            for (int y = 0; y < height * ZOOM; y++) {
                for (int x = 0; x < width * ZOOM; x++) {
                    float v = images[k * height * width + (y / ZOOM) * width + x / ZOOM];
                    raster.setSample(ox + x, oy + y, 0, Math.round(255 * Math.max(0, Math.min(1, v))));
                }
            }
        }
        AtomicFiles.write(png, os -> ImageIO.write(img, "png", os));
    }
}
