import './data.css';
import { useEffect, useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { usePairs } from '../../state/pairs.js';
import { ImportCard } from './ImportCard.js';
import { ImportJobView } from './ImportJobView.js';
import { DatasetTable } from './DatasetTable.js';
import { DatasetBrowser } from './DatasetBrowser.js';
import { DatasetStats } from './DatasetStats.js';
import { PairDetails } from './PairDetails.js';

/** Import either kind of dataset, list them together, and show the one picked: statistics, split, browser. */
export function DataPanel() {
  const datasets = useStudio((s) => s.datasets);
  const selectedId = useStudio((s) => s.selectedDatasetId);
  const pairSets = usePairs((s) => s.pairDatasets);
  const selectedPairId = usePairs((s) => s.selectedPairId);
  const focus = usePairs((s) => s.focus);
  const [pairError, setPairError] = useState<string | null>(null);
  useEffect(() => {
    void usePairs.getState().refresh().catch((e: Error) => setPairError(e.message));
  }, [setPairError]);
  const pairs = focus === 'mrpc' ? (pairSets.find((d) => d.id === selectedPairId) ?? null) : null;
  const squad = pairs ? null : (datasets.find((d) => d.id === selectedId) ?? null);

  return (
    <>
      <ImportCard />
      <ImportJobView />
      <DatasetTable />
      {pairError ? <div className="error-text small">Could not list the sentence-pair datasets: {pairError}</div> : null}
      {pairs ? <PairDetails key={pairs.id} dataset={pairs} /> : null}
      {squad ? (
        <>
          <DatasetStats dataset={squad} />
          <DatasetBrowser key={squad.id} dataset={squad} />
        </>
      ) : null}
    </>
  );
}
