/** The {@code tiller} command line (picocli). Exports nothing; picocli reads its options by reflection. */
@SuppressWarnings("requires-automatic") // XChart and commons-math3 have no module descriptor
module dev.tiller.cli {
    requires dev.tiller;
    requires dev.tiller.train;
    requires dev.tiller.serve;
    requires info.picocli;
    requires org.jline.reader;
    requires org.jline.terminal;
    requires org.knowm.xchart;
    requires commons.math3;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;

    opens dev.tiller.cli to info.picocli;
}
