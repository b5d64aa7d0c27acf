package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFoldersTests {

    @TempDir
    Path dir;

    final List<String> skipped = new ArrayList<>();

    @Test
    void linkedFoldersAndFilesAreReadAsIfTheyWereThere() throws IOException {
        // given: the input folder is a link, and holds a link to a folder elsewhere and one to a file
        Path real = Files.createDirectories(dir.resolve("real"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(real.resolve("a.csv"), "a");
        Files.writeString(elsewhere.resolve("b.csv"), "b");
        Files.writeString(dir.resolve("c.csv"), "c");
        Files.createSymbolicLink(real.resolve("linked"), elsewhere);
        Files.createSymbolicLink(real.resolve("c.csv"), dir.resolve("c.csv"));
        Path input = Files.createSymbolicLink(dir.resolve("input"), real);

        // when
        List<Path> files = InputFolders.files(input, skipped::add);

        // then
        assertThat(files)
                .containsExactly(input.resolve("a.csv"), input.resolve("c.csv"), input.resolve("linked/b.csv"));
        assertThat(skipped).isEmpty();
    }

    @Test
    void hiddenFilesAndLinksToNothingAreNamedAndNotReadWhileHiddenFoldersAre() throws IOException {
        // given
        Files.createDirectories(dir.resolve(".incoming"));
        Files.writeString(dir.resolve(".incoming/x.csv"), "x");
        Files.writeString(dir.resolve(".usage.csv.Qx81zT"), "x");
        Files.writeString(dir.resolve("usage.csv"), "u");
        Files.createSymbolicLink(dir.resolve("gone.csv"), dir.resolve("missing.csv"));

        // when
        List<Path> files = InputFolders.files(dir, skipped::add);

        // then
        assertThat(files).containsExactly(dir.resolve(".incoming/x.csv"), dir.resolve("usage.csv"));
        assertThat(skipped)
                .containsExactlyInAnyOrder(
                        "hidden file " + dir.resolve(".usage.csv.Qx81zT") + " is not read",
                        "link " + dir.resolve("gone.csv") + " leads to nothing and is not read");
    }

    @Test
    void aLinkBackToAFolderTheWalkIsInIsNamedAndItsFilesReadOnce() throws IOException {
        // given
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/usage.csv"), "u");
        Files.createSymbolicLink(dir.resolve("sub/up"), dir);

        // when
        List<Path> files = InputFolders.files(dir, skipped::add);

        // then
        assertThat(files).containsExactly(dir.resolve("sub/usage.csv"));
        assertThat(skipped)
                .containsExactly("link " + dir.resolve("sub/up") + " leads back to a folder it is in, read already");
    }
}
