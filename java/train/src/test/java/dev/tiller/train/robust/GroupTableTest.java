package dev.tiller.train.robust;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group table contract: columns by name, gzip by file name, and every bad cell named by file, row and column. */
class GroupTableTest {
    @TempDir
    Path dir;

    static final String GOOD = """
            x1,split,y,a,x2,a2
            0.5,train,0,1,2,0
            -1.5,train,1,0,3.25,1
            2,val,1,1,0,0
            1e-3,test,0,0,-4,1
            """;

    Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void columnsAreReadByNameAndFeaturesKeepFileOrder() throws IOException {
        GroupTable t = GroupTable.read(file("t.csv", GOOD));
        assertEquals(List.of("x1", "x2"), t.featureNames());
        assertEquals(List.of("a", "a2"), t.attributeNames());
        assertEquals(4, t.rows());
        assertEquals(2, t.classes());
        assertEquals(GroupTable.Split.VAL, t.split(2));
        assertArrayEquals(new int[] {0, 1}, t.attributes(1));
        assertEquals(3.25f, t.feature(1, 1));
        assertEquals(1e-3f, t.feature(3, 0));
        assertArrayEquals(new int[] {0, 1}, t.rowsOf(GroupTable.Split.TRAIN));
    }

    @Test
    void writingAndReadingBackGivesTheSameTablePlainAndGzipped() throws IOException {
        GroupTable t = GroupTable.read(file("t.csv", GOOD));
        for (String name : new String[] {"back.csv", "back.csv.gz"}) {
            Path p = dir.resolve(name);
            t.write(p);
            if (name.endsWith(".gz")) assertEquals(0x1f, Files.readAllBytes(p)[0] & 0xff, "gzip magic");
            GroupTable u = GroupTable.read(p);
            assertEquals(t.featureNames(), u.featureNames());
            assertEquals(t.attributeNames(), u.attributeNames());
            for (int r = 0; r < t.rows(); r++) {
                assertEquals(t.split(r), u.split(r));
                assertEquals(t.y(r), u.y(r));
                assertArrayEquals(t.attributes(r), u.attributes(r));
                for (int k = 0; k < t.dim(); k++) assertEquals(t.feature(r, k), u.feature(r, k));
            }
        }
    }

    @Test
    void groupsAreAttributesClassesOrEnvironments() throws IOException {
        GroupTable t = GroupTable.read(file("t.csv", GOOD));
        Groups a = Groups.attributes(t);
        assertEquals(4, a.count());  // (0,[1,0]) (1,[0,1]) (1,[1,0]) (0,[0,1])
        assertEquals(new Groups.Key(0, new int[] {0, 1}), a.key(0));
        assertEquals(2, Groups.classes(t).count());
        Path envs = file("envs.csv", "row,split,env,ho_0,ho_1\n0,train,1,0.1,0.2\n1,train,0,0,0\n2,val,1,0,0\n");
        Groups e = Groups.environments(t, Environments.read(envs, t), envs.toString());
        assertEquals(new Groups.Key(0, new int[] {1}), e.key(e.of(0)));
        assertEquals(new Groups.Key(1, new int[] {0}), e.key(e.of(1)));
        assertEquals(new Groups.Key(1, new int[] {1}), e.key(e.of(2)));
        assertEquals(new Groups.Key(0, new int[0]), e.key(e.of(3)), "a test row has no environment");
    }

    void refused(String text, String... fragments) throws IOException {
        Path p = file("bad.csv", text);
        DataFormatException e = assertThrows(DataFormatException.class, () -> GroupTable.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing: " + e.getMessage());
    }

    @Test
    void badTablesNameTheFileRowAndColumn() throws IOException {
        refused("split,y,x\ntrain,0,1\ntrain,1,abc\n", "row 1, column x", "'abc' is not a number");
        refused("y,x\n0,1\n", "no 'split' column");
        refused("split,x\ntrain,1\n", "no 'y' column");
        refused("split,y,x\ntrain,0,1\ntrian,1,2\n", "row 1, column split", "'trian' is not train, val or test");
        refused("split,y,x\ntrain,-1,1\n", "row 0, column y", "negative");
        refused("split,y,x\ntrain,0,NaN\n", "row 0, column x", "not a finite number");
        refused("split,y,x\ntrain,0,Infinity\n", "row 0, column x", "not a finite number");
        refused("split,y,x\nval,0,1\ntest,1,2\n", "the train split is empty");
        refused("split,y,a,x\ntrain,0,-2,1\n", "row 0, column a", "negative");
        refused("split,y,a,x\ntrain,0,1.5,1\n", "row 0, column a", "'1.5' is not an integer");
        refused("split,y,x\ntrain,0,1,7\n", "row 0 has 4 cells, the header 3");
        refused("split,y,x,x\ntrain,0,1,2\n", "column 'x' appears twice");
        refused("split,y\ntrain,0\n", "no feature columns");
        refused("", "empty file");
    }

    @Test
    void aValSplitWithoutAGroupThatTrainingUsesIsRefused() throws IOException {
        GroupTable t = GroupTable.read(file("t.csv", "split,y,a,x\ntrain,0,0,1\ntrain,0,1,2\nval,0,0,1\ntest,0,1,3\n"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Groups.attributes(t).checkCovers(t, GroupTable.Split.TRAIN, GroupTable.Split.VAL));
        assertTrue(e.getMessage().contains("t.csv: the val split has no row of group y=0 a=[1]"), e.getMessage());
    }

    @Test
    void environmentFilesMustMatchTheTable() throws IOException {
        GroupTable t = GroupTable.read(file("t.csv", GOOD));
        String[][] bad = {
            {"row,split,env\n0,train,1\n1,train,0\n", "no environment for val row 2"},
            {"row,split,env\n0,train,1\n1,train,0\n2,train,1\n", "line 4, column split: row 2 is 'train' here but 'val'"},
            {"row,split,env\n0,train,1\n1,train,0\n2,val,1\n9,val,0\n", "line 5, column row: 9 is not a row"},
            {"row,split,env\n0,train,1\n0,train,0\n2,val,1\n1,train,0\n", "line 3, column row: row 0 appears twice"},
            {"row,env\n0,1\n", "needs columns row, split and env"},
            {"row,split,env\n0,train,x\n", "line 2, column env: 'x' is not an integer"},
        };
        for (String[] b : bad) {
            Path p = file("envs.csv", b[0]);
            DataFormatException e = assertThrows(DataFormatException.class, () -> Environments.read(p, t), b[1]);
            assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(b[1]), e.getMessage());
        }
    }
}
