// Prints the demo dataset's training texts (one per line) for make_vocab_golden.py.
import { DEMO_DATASET } from '../../src/core/squad/demo.js';
import { squadTexts } from '../../src/core/squad/texts.js';

for (const t of squadTexts(DEMO_DATASET.data)) console.log(t);
