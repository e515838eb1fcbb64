import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useI18n } from '../agent/i18n/context.js';
import type { HistoryPoint } from './types.js';

/** Calls waiting (left axis) and service level % (right axis) over the last hour, drawn by uPlot. */
export function HistoryChart({ points, width }: { points: HistoryPoint[]; width: number }) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = (): uPlot.AlignedData => [points.map((point) => point.at / 1000), points.map((point) => point.waiting), points.map((point) => point.serviceLevelPercent)];

  useEffect(() => {
    if (!host.current) return;
    chart.current = new uPlot(
      {
        width,
        height: 220,
        // Always the last hour, however few points there are yet (uPlot would stretch one point over years).
        scales: { x: { time: true, range: () => [Date.now() / 1000 - 3600, Date.now() / 1000] }, y: { range: (_plot, _min, max) => [0, Math.max(5, max)] }, sl: { range: [0, 100] } },
        series: [
          {},
          { label: t.wallboard.chartWaiting, stroke: '#1f6feb', width: 2, fill: 'rgba(31,111,235,0.08)' },
          { label: t.wallboard.chartServiceLevel, stroke: '#1a7f37', width: 2, scale: 'sl', spanGaps: true },
        ],
        axes: [{}, { label: t.wallboard.chartWaiting }, { side: 1, scale: 'sl', label: '%', grid: { show: false } }],
      },
      data(),
      host.current,
    );
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Rebuilt when the language (labels) or the width changes; data changes only feed setData below.
  }, [t, width]);

  useEffect(() => {
    chart.current?.setData(data());
  }, [points]);

  return <div ref={host} class="chart" data-testid="history-chart" />;
}
