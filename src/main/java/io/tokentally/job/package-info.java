/** The nightly billing job: step order, parameters, start/restart/rerun decisions and the run report. */
package io.tokentally.job;
