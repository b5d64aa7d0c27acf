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
}
