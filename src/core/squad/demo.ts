// A small embedded dataset, written for BERT Studio, so the app can be tried before any download.
// answer_start values are code-point offsets (see demo.test.ts, which recomputes them); some contexts
// hold accented letters and emoji outside the BMP on purpose, so the code-point handling is exercised.
import type { SquadFile } from './types.js';

export const DEMO_DATASET: SquadFile = {
  version: '1.1',
  data: [
    {
      title: 'BERT Studio demo: The Kestrel Point Lighthouse',
      paragraphs: [
        {
          context:
            'The Kestrel Point Lighthouse stands on a granite headland at the northern tip of Marrow Bay. It was completed in 1871 after two ships ran aground on the hidden reef below the cliffs. The tower is 38 metres tall and is painted with three red bands so that sailors can recognise it by day. Its first keeper, Agnes Tolley, kept the lamp burning for twenty-six years.',
          qas: [
            {
              id: 'demo-0001',
              question: 'Where does the Kestrel Point Lighthouse stand?',
              answers: [{ text: 'on a granite headland at the northern tip of Marrow Bay', answer_start: 36 }, { text: 'a granite headland', answer_start: 39 }],
            },
            {
              id: 'demo-0002',
              question: 'When was the lighthouse completed?',
              answers: [{ text: '1871', answer_start: 113 }],
            },
            {
              id: 'demo-0003',
              question: 'What caused the lighthouse to be built?',
              answers: [{ text: 'two ships ran aground on the hidden reef below the cliffs', answer_start: 124 }],
            },
            {
              id: 'demo-0004',
              question: 'How tall is the tower?',
              answers: [{ text: '38 metres', answer_start: 196 }],
            },
            {
              id: 'demo-0005',
              question: 'Who was the first keeper?',
              answers: [{ text: 'Agnes Tolley', answer_start: 306 }],
            },
          ],
        },
        {
          context:
            'In 1934 the oil lamp was replaced by an electric lamp fed from a small generator in the keeper’s cottage. The beam, magnified by a Fresnel lens of 1,200 glass prisms, can be seen 22 nautical miles out to sea. Since 1989 the light has been fully automatic, and the cottage now houses a museum about shipwrecks of the bay.',
          qas: [
            {
              id: 'demo-0006',
              question: 'What replaced the oil lamp in 1934?',
              answers: [{ text: 'an electric lamp', answer_start: 37 }],
            },
            {
              id: 'demo-0007',
              question: 'How many glass prisms does the lens have?',
              answers: [{ text: '1,200', answer_start: 147 }],
            },
            {
              id: 'demo-0008',
              question: 'How far out to sea can the beam be seen?',
              answers: [{ text: '22 nautical miles', answer_start: 179 }],
            },
            {
              id: 'demo-0009',
              question: 'Since when has the light been automatic?',
              answers: [{ text: '1989', answer_start: 215 }],
            },
            {
              id: 'demo-0010',
              question: 'What is in the keeper’s cottage today?',
              answers: [{ text: 'a museum about shipwrecks of the bay', answer_start: 283 }],
            },
          ],
        },
      ],
    },
    {
      title: 'BERT Studio demo: Baking bread at home',
      paragraphs: [
        {
          context:
            'A basic loaf needs only four ingredients: flour, water, salt and yeast. When the dough is kneaded, proteins in the flour link together to form gluten, a stretchy network that traps the gas made by the yeast. Most recipes ask for about ten minutes of kneading, until the dough feels smooth and springs back when pressed.',
          qas: [
            {
              id: 'demo-0011',
              question: 'How many ingredients does a basic loaf need?',
              answers: [{ text: 'four', answer_start: 24 }],
            },
            {
              id: 'demo-0012',
              question: 'What forms when the dough is kneaded?',
              answers: [{ text: 'gluten', answer_start: 143 }],
            },
            {
              id: 'demo-0013',
              question: 'How long do most recipes ask you to knead?',
              answers: [{ text: 'about ten minutes', answer_start: 229 }],
            },
          ],
        },
        {
          context:
            'After kneading, the dough rests in a warm place until it has roughly doubled in size, which usually takes one to two hours. It is then shaped, left to rise a second time and baked in a hot oven at around 230 °C. A tray of water on the oven floor makes steam, which keeps the crust soft long enough for the loaf to expand. The pain de campagne of French bakeries follows the same steps but uses a sourdough starter instead of dried yeast 🍞.',
          qas: [
            {
              id: 'demo-0014',
              question: 'How long does the first rise usually take?',
              answers: [{ text: 'one to two hours', answer_start: 106 }],
            },
            {
              id: 'demo-0015',
              question: 'At what temperature is the bread baked?',
              answers: [{ text: 'around 230 °C', answer_start: 197 }, { text: '230 °C', answer_start: 204 }],
            },
            {
              id: 'demo-0016',
              question: 'Why is a tray of water put on the oven floor?',
              answers: [{ text: 'makes steam, which keeps the crust soft long enough for the loaf to expand', answer_start: 246 }, { text: 'keeps the crust soft', answer_start: 265 }],
            },
            {
              id: 'demo-0017',
              question: 'What does pain de campagne use instead of dried yeast?',
              answers: [{ text: 'a sourdough starter', answer_start: 394 }],
            },
          ],
        },
      ],
    },
    {
      title: 'BERT Studio demo: The River Averne',
      paragraphs: [
        {
          context:
            'The River Averne rises in the peat bogs of the Sallow Hills and flows 142 kilometres south-east to the sea at Port Edric. For most of its course it is slow and wide, but near the village of Brackwater it drops over a limestone step to form the Hollin Falls. Otters returned to the upper river in the 1990s after the old paper mills closed.',
          qas: [
            {
              id: 'demo-0018',
              question: 'Where does the River Averne rise?',
              answers: [{ text: 'in the peat bogs of the Sallow Hills', answer_start: 23 }],
            },
            {
              id: 'demo-0019',
              question: 'How long is the River Averne?',
              answers: [{ text: '142 kilometres', answer_start: 70 }],
            },
            {
              id: 'demo-0020',
              question: 'What waterfall is near Brackwater?',
              answers: [{ text: 'the Hollin Falls', answer_start: 240 }],
            },
            {
              id: 'demo-0021',
              question: 'Which animals returned to the upper river in the 1990s?',
              answers: [{ text: 'Otters', answer_start: 258 }],
            },
          ],
        },
        {
          context:
            'Barges once carried coal and wool down the Averne, and a towpath still runs beside the lower river for 40 kilometres. Today the path is popular with walkers and cyclists, and a ferry crosses the estuary every half hour in summer.',
          qas: [
            {
              id: 'demo-0022',
              question: 'What did barges carry down the river?',
              answers: [{ text: 'coal and wool', answer_start: 20 }],
            },
            {
              id: 'demo-0023',
              question: 'How long is the towpath?',
              answers: [{ text: '40 kilometres', answer_start: 103 }],
            },
            {
              id: 'demo-0024',
              question: 'How often does the ferry cross in summer?',
              answers: [{ text: 'every half hour', answer_start: 203 }],
            },
          ],
        },
      ],
    },
    {
      title: 'BERT Studio demo: Vellmoor, a very small town',
      paragraphs: [
        {
          context:
            'Vellmoor has 612 inhabitants, one school and a single café, Café Rosé, which opens at six every morning for the fishermen. The town’s emblem is a green heron, and every August a Heron Fair fills the square with stalls, music and a rowing race on the harbour. Visitors often photograph the blue door of the old customs house 🚪, said to be the oldest door in the county.',
          qas: [
            {
              id: 'demo-0025',
              question: 'How many people live in Vellmoor?',
              answers: [{ text: '612', answer_start: 13 }],
            },
            {
              id: 'demo-0026',
              question: 'What is the name of the café?',
              answers: [{ text: 'Café Rosé', answer_start: 60 }],
            },
            {
              id: 'demo-0027',
              question: 'When does the café open?',
              answers: [{ text: 'at six every morning', answer_start: 83 }, { text: 'six', answer_start: 86 }],
            },
            {
              id: 'demo-0028',
              question: 'What is the town’s emblem?',
              answers: [{ text: 'a green heron', answer_start: 144 }],
            },
            {
              id: 'demo-0029',
              question: 'What is said to be the oldest door in the county?',
              answers: [{ text: 'the blue door of the old customs house', answer_start: 285 }],
            },
          ],
        },
        {
          context:
            'The town was founded by salt makers around 1350 🧂. Their shallow pans, filled by the tide, can still be traced as rectangles in the marsh north of the harbour. The mayor, Émile Garrow, has proposed turning the last surviving salt shed into a small museum.',
          qas: [
            {
              id: 'demo-0030',
              question: 'Who founded the town?',
              answers: [{ text: 'salt makers', answer_start: 24 }],
            },
            {
              id: 'demo-0031',
              question: 'Around when was the town founded?',
              answers: [{ text: 'around 1350', answer_start: 36 }, { text: '1350', answer_start: 43 }],
            },
            {
              id: 'demo-0032',
              question: 'Where can the old salt pans be traced?',
              answers: [{ text: 'in the marsh north of the harbour', answer_start: 125 }],
            },
            {
              id: 'demo-0033',
              question: 'Who is the mayor?',
              answers: [{ text: 'Émile Garrow', answer_start: 171 }],
            },
            {
              id: 'demo-0034',
              question: 'What does the mayor want the salt shed to become?',
              answers: [{ text: 'a small museum', answer_start: 240 }],
            },
          ],
        },
      ],
    },
    {
      title: 'BERT Studio demo: A short history of the bicycle',
      paragraphs: [
        {
          context:
            'The first two-wheeled machine, the running machine of Karl Drais, appeared in 1817. It had no pedals: the rider pushed it along with the feet. Pedals fixed to the front wheel came in the 1860s, and to travel faster makers enlarged that wheel, which led to the high-wheeled "penny-farthing".',
          qas: [
            {
              id: 'demo-0035',
              question: 'Who built the first two-wheeled running machine?',
              answers: [{ text: 'Karl Drais', answer_start: 54 }],
            },
            {
              id: 'demo-0036',
              question: 'When did the running machine appear?',
              answers: [{ text: '1817', answer_start: 78 }],
            },
            {
              id: 'demo-0037',
              question: 'How did a rider move the running machine?',
              answers: [{ text: 'pushed it along with the feet', answer_start: 112 }],
            },
            {
              id: 'demo-0038',
              question: 'When did pedals on the front wheel appear?',
              answers: [{ text: 'the 1860s', answer_start: 183 }, { text: '1860s', answer_start: 187 }],
            },
            {
              id: 'demo-0039',
              question: 'What was the high-wheeled bicycle called?',
              answers: [{ text: 'penny-farthing', answer_start: 274 }],
            },
          ],
        },
        {
          context:
            'The "safety bicycle" of the 1880s, with two wheels of equal size and a chain driving the rear wheel, made cycling safe enough for almost anyone 🚲. Air-filled tyres, patented by John Boyd Dunlop in 1888, made it comfortable as well. Within a decade millions of people had taken up cycling.',
          qas: [
            {
              id: 'demo-0040',
              question: 'What drove the rear wheel of the safety bicycle?',
              answers: [{ text: 'a chain', answer_start: 69 }],
            },
            {
              id: 'demo-0041',
              question: 'Who patented air-filled tyres?',
              answers: [{ text: 'John Boyd Dunlop', answer_start: 177 }],
            },
            {
              id: 'demo-0042',
              question: 'How many people had taken up cycling within a decade?',
              answers: [{ text: 'millions', answer_start: 248 }],
            },
          ],
        },
      ],
    },
  ],
};
