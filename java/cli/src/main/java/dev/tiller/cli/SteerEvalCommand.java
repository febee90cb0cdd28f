package dev.tiller.cli;

import dev.tiller.ChatMessage;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.io.AtomicFiles;
import dev.tiller.steer.AbDataset;
import dev.tiller.steer.BehaviorEval;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller steer eval --model M.gguf --steer V --dataset AB.json [--layers ...] [--strengths ...]
 * --out DIR}: the A/B behaviour score (mean p(matching) / (p(A) + p(B))) for each layer and
 * strength, steering from the end of the instruction on as CAA does; writes scores.csv, scores.png
 * and generations.md (open-ended answers without and with steering, side by side).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "A/B behaviour scores of a steering vector over layers and strengths (CSV + plot + sample generations).")
final class SteerEvalCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf")
    Path model;

    @Option(names = "--steer", required = true, paramLabel = "V", description = "steering vector file")
    Path vector;

    @Option(names = "--dataset", required = true, paramLabel = "AB.json", description = "CAA A/B items")
    Path dataset;

    @Option(names = "--layers", split = ",", paramLabel = "L", description = "layers to apply a dense vector at (default: its own)")
    List<Integer> layers;

    @Option(names = "--strengths", split = ",", paramLabel = "S", description = "default: -1,0,1")
    List<Float> strengths = List.of(-1f, 0f, 1f);

    @Option(names = "--sae", paramLabel = "SAE", description = "the SAE of a SAS vector (default: the path it records)")
    Path sae;

    @Option(names = "--generations", paramLabel = "N", description = "open-ended answers to write (default: ${DEFAULT-VALUE})")
    int generations = 3;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
        SteeringVector v = SteeringFiles.load(vector);
        List<AbDataset.Item> items = AbDataset.load(dataset);
        List<Integer> ls = layers == null || layers.isEmpty() ? List.of(v.layer()) : layers;
        if (v.isSparse() && (ls.size() != 1 || ls.get(0) != v.layer())) {
            throw new IllegalArgumentException("a SAS vector only applies at its SAE's layer " + v.layer());
        }
        Files.createDirectories(out);
        Path saePath = !v.isSparse() ? null : sae != null ? sae : SteeringFiles.recordedSae(vector, v).orElseThrow(
                () -> new IllegalArgumentException(vector + " is a SAS vector that records no SAE: give its SAE with --sae"));
        StringBuilder csv = new StringBuilder("layer,strength,score,items\n");
        XYChart chart = new XYChartBuilder().width(800).height(500).title("A/B behaviour score: " + vector.getFileName())
                .xAxisTitle("strength").yAxisTitle("p(matching) / (p(A) + p(B))").build();
        try (Model m = Model.load(model);
                Session s = m.newSession(new SessionOptions(Math.min(m.info().contextLength(), 4096), threads.threads));
                Sae saeObj = v.isSparse() ? Sae.load(saePath) : null) {
            BehaviorEval eval = new BehaviorEval(m);
            for (int layer : ls) {
                SteeringVector at = v.isSparse() ? v : SteeringVector.dense(layer, v.dense(), v.metadata());
                List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
                for (float strength : strengths) {
                    double sum = 0;
                    for (AbDataset.Item it : items) {
                        s.clearSteering();
                        s.steer(at, strength, eval.instructionEnd(it.question()), saeObj, v.jumpSigma());
                        sum += eval.score(s, it);
                    }
                    double score = sum / items.size();
                    csv.append(String.format(Locale.ROOT, "%d,%s,%.6f,%d%n", layer, strength, score, items.size()));
                    System.err.printf(Locale.ROOT, "layer %d strength %s: %.4f%n", layer, strength, score);
                    xs.add((double) strength);
                    ys.add(score);
                }
                chart.addSeries("layer " + layer, xs, ys);
            }
            AtomicFiles.writeString(out.resolve("scores.csv"), csv);
            System.setProperty("java.awt.headless", "true");
            AtomicFiles.write(out.resolve("scores.png"), os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
            writeGenerations(m, s, eval, v, ls.get(0), items, saeObj);
        }
        System.err.println("wrote " + out.resolve("scores.csv") + ", " + out.resolve("scores.png") + ", " + out.resolve("generations.md"));
        return 0;
    }

    private void writeGenerations(Model m, Session s, BehaviorEval eval, SteeringVector v, int layer, List<AbDataset.Item> items,
            Sae saeObj) throws IOException {
        float strongest = 0;
        for (float x : strengths) if (Math.abs(x) > Math.abs(strongest)) strongest = x;
        SteeringVector at = v.isSparse() ? v : SteeringVector.dense(layer, v.dense(), v.metadata());
        StringBuilder md = new StringBuilder("# Generations without and with steering (strength " + strongest + ", layer " + layer + ")\n");
        SamplingParams p = SamplingParams.greedy().withMaxTokens(64);
        for (int i = 0; i < Math.min(generations, items.size()); i++) {
            String q = items.get(i).question();
            int[] prompt = m.chatTemplate().apply(List.of(ChatMessage.user(q)), true);
            s.clearSteering();
            s.reset();
            String plain = s.generate(prompt, p).complete();
            s.clearSteering();
            s.reset();
            s.steer(at, strongest, eval.instructionEnd(q), saeObj, v.jumpSigma());
            String steered = s.generate(prompt, p).complete();
            md.append("\n## ").append(i + 1).append("\n\n**Question.** ").append(q.strip()).append("\n\n| unsteered | steered |\n|---|---|\n| ")
                    .append(cell(plain)).append(" | ").append(cell(steered)).append(" |\n");
        }
        s.clearSteering();
        AtomicFiles.writeString(out.resolve("generations.md"), md);
    }

    private static String cell(String s) {
        return s.strip().replace("|", "\\|").replace("\n", "<br>");
    }
}
