package dev.tiller;

import dev.tiller.internal.Native;

import static dev.tiller.bindings.tiller_h.*;

import java.util.Arrays;
import java.util.List;

/**
 * The native runtime in this process: its version and the commit it was built from, the build,
 * the integer kernel path chosen for this CPU (or forced by {@code TILLER_CPU}), whether weights
 * are repacked, and the CPU features the dispatcher saw.
 */
public record RuntimeInfo(String version, String build, String kernelPath, boolean repacking, List<String> cpuFeatures) {

    public static RuntimeInfo get() {
        String build = Native.cString(tiller_build_info());
        String[] words = Native.cString(tiller_cpu_features()).split(" ");
        boolean repack = Arrays.asList(words).contains("repack=on");
        List<String> features = Arrays.stream(words).filter(w -> !w.contains("=") && !w.isEmpty()).toList();
        return new RuntimeInfo(build.substring(0, build.indexOf(' ')), build, Native.cString(tiller_kernel_path()), repack, features);
    }
}
