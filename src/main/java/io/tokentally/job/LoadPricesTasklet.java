package io.tokentally.job;

import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PricesFile;
import java.nio.file.Path;
import java.util.List;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Adds the prices file's new versions to the catalog (and the versions derived from them), finding those that take
 * effect before hours an earlier run billed at another version ({@link BackdatedPrices}).
 */
class LoadPricesTasklet implements Tasklet {

    private final PriceRepository prices;
    private final BackdatedPrices backdated;
    private final Path pricesFile;
    private final long run;

    LoadPricesTasklet(PriceRepository prices, BackdatedPrices backdated, Path pricesFile, long run) {
        this.prices = prices;
        this.backdated = backdated;
        this.pricesFile = pricesFile;
        this.run = run;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        List<Price> before = prices.findAll();
        int added = prices.load(PricesFile.read(pricesFile));
        contribution.incrementWriteCount(added);
        if (added > 0) {
            backdated.record(before, prices.findAll(), run);
        }
        return RepeatStatus.FINISHED;
    }
}
