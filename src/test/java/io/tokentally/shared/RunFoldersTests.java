package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFoldersTests {

    @TempDir
    Path folder;

    @Test
    void writeWholeReplacesAFileSoAReaderThatOpenedItReadsTheOldOneWhole() throws Exception {
        // given: a report being downloaded while the run writes it again
        Path report = folder.resolve("report.json");
        Files.writeString(report, "{\"old\":true}");
        try (InputStream download = Files.newInputStream(report)) {

            // when
            RunFolders.writeWhole(report, "{\"new\":true}".getBytes(StandardCharsets.UTF_8));

            // then
            assertThat(new String(download.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"old\":true}");
        }
    }

    @Test
    void writeWholeLeavesTheNewFileAndNoPartialOne() throws Exception {
        // given
        Path report = folder.resolve("report.json");
        Files.writeString(report, "{\"old\":true}");

        // when
        RunFolders.writeWhole(report, "{\"new\":true}".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(Files.readString(report)).isEqualTo("{\"new\":true}");
        assertThat(folder.resolve("report.json.part")).doesNotExist();
    }

    @Test
    void aRunsFolderThatExistsOrCanBeCreatedIsUsable() throws Exception {
        assertThat(RunFolders.whyUnusable(folder)).isEmpty();
        assertThat(RunFolders.whyUnusable(folder.resolve("runs/below"))).isEmpty();
    }

    @Test
    void aRunsFolderThatIsAFileOrIsBelowOneIsNotUsable() throws Exception {
        // given
        Path file = Files.writeString(folder.resolve("passwd"), "root:x:0:0\n");

        // when, then
        assertThat(RunFolders.whyUnusable(file)).contains("it is a file, not a folder");
        assertThat(RunFolders.whyUnusable(file.resolve("runs")))
                .contains("it cannot be created: " + file + " is a file, not a folder");
    }
}
