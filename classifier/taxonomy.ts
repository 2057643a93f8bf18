/**
 * COCO's 80 classes in Rekognition's label vocabulary: title-case names, parent labels and
 * categories, so that the classification policy and the console read the local model's output
 * exactly as they read DetectLabels.
 *
 * The class ids and COCO names come from @tensorflow-models/coco-ssd (the model's own class list);
 * this file only adds what Rekognition calls them. A unit test checks every COCO class is covered.
 */
import { CLASSES } from '@tensorflow-models/coco-ssd/dist/classes';

export interface TaxonomyEntry {
  name: string;
  parents: readonly string[];
  categories: readonly string[];
  aliases?: readonly string[];
}

const ANIMALS = ['Animals and Pets'];
const VEHICLES = ['Vehicles and Automotive'];
const FOOD = ['Food and Beverage'];
const HOME = ['Home and Indoors'];
const FURNITURE = ['Furniture and Furnishings'];
const TECH = ['Technology and Computing'];
const SPORTS = ['Sports'];
const OBJECTS = ['Everyday Objects'];
const APPAREL = ['Apparel and Accessories'];
const TOYS = ['Toys and Gaming'];

const entry = (name: string, parents: string[], categories: string[], aliases?: string[]): TaxonomyEntry =>
  aliases ? { name, parents, categories, aliases } : { name, parents, categories };

/** Keyed by COCO's display name, as @tensorflow-models/coco-ssd spells it. */
const BY_COCO_NAME: Record<string, TaxonomyEntry> = {
  person: entry('Person', [], ['Person Description'], ['Human']),
  bicycle: entry('Bicycle', ['Vehicle', 'Transportation'], VEHICLES),
  car: entry('Car', ['Vehicle', 'Transportation'], VEHICLES, ['Automobile']),
  motorcycle: entry('Motorcycle', ['Vehicle', 'Transportation'], VEHICLES),
  airplane: entry('Airplane', ['Aircraft', 'Vehicle', 'Transportation'], VEHICLES, ['Aeroplane']),
  bus: entry('Bus', ['Vehicle', 'Transportation'], VEHICLES),
  train: entry('Train', ['Vehicle', 'Transportation'], VEHICLES),
  truck: entry('Truck', ['Vehicle', 'Transportation'], VEHICLES),
  boat: entry('Boat', ['Vehicle', 'Transportation'], VEHICLES),
  'traffic light': entry('Traffic Light', ['Light'], VEHICLES),
  'fire hydrant': entry('Fire Hydrant', [], OBJECTS, ['Hydrant']),
  'stop sign': entry('Stop Sign', ['Road Sign', 'Sign', 'Symbol'], VEHICLES),
  'parking meter': entry('Parking Meter', [], OBJECTS),
  bench: entry('Bench', ['Furniture'], FURNITURE),
  bird: entry('Bird', ['Animal'], ANIMALS),
  cat: entry('Cat', ['Animal', 'Mammal', 'Pet'], ANIMALS),
  dog: entry('Dog', ['Animal', 'Canine', 'Mammal', 'Pet'], ANIMALS),
  horse: entry('Horse', ['Animal', 'Mammal'], ANIMALS),
  sheep: entry('Sheep', ['Animal', 'Livestock', 'Mammal'], ANIMALS),
  cow: entry('Cow', ['Animal', 'Cattle', 'Livestock', 'Mammal'], ANIMALS),
  elephant: entry('Elephant', ['Animal', 'Mammal', 'Wildlife'], ANIMALS),
  bear: entry('Bear', ['Animal', 'Mammal', 'Wildlife'], ANIMALS),
  zebra: entry('Zebra', ['Animal', 'Mammal', 'Wildlife'], ANIMALS),
  giraffe: entry('Giraffe', ['Animal', 'Mammal', 'Wildlife'], ANIMALS),
  backpack: entry('Backpack', ['Bag', 'Accessories'], APPAREL),
  umbrella: entry('Umbrella', ['Canopy'], OBJECTS),
  handbag: entry('Handbag', ['Bag', 'Accessories'], APPAREL, ['Purse']),
  tie: entry('Tie', ['Accessories', 'Formal Wear', 'Clothing'], APPAREL),
  suitcase: entry('Suitcase', ['Baggage'], OBJECTS, ['Luggage']),
  frisbee: entry('Frisbee', ['Toy'], TOYS),
  skis: entry('Ski', ['Sport', 'Skiing'], SPORTS),
  snowboard: entry('Snowboard', ['Sport', 'Snowboarding'], SPORTS),
  'sports ball': entry('Ball', ['Sport'], SPORTS),
  kite: entry('Kite', ['Toy'], TOYS),
  'baseball bat': entry('Baseball Bat', ['Sport', 'Baseball'], SPORTS),
  'baseball glove': entry('Baseball Glove', ['Sport', 'Baseball', 'Glove'], SPORTS),
  skateboard: entry('Skateboard', ['Sport'], SPORTS),
  surfboard: entry('Surfboard', ['Sport', 'Surfing'], SPORTS),
  'tennis racket': entry('Racket', ['Sport', 'Tennis'], SPORTS),
  bottle: entry('Bottle', [], OBJECTS),
  'wine glass': entry('Wine Glass', ['Glass'], FOOD),
  cup: entry('Cup', [], OBJECTS),
  fork: entry('Fork', ['Cutlery'], HOME),
  knife: entry('Knife', ['Cutlery', 'Weapon'], HOME),
  spoon: entry('Spoon', ['Cutlery'], HOME),
  bowl: entry('Bowl', [], HOME),
  banana: entry('Banana', ['Fruit', 'Food', 'Plant', 'Produce'], FOOD),
  apple: entry('Apple', ['Fruit', 'Food', 'Plant', 'Produce'], FOOD),
  sandwich: entry('Sandwich', ['Food'], FOOD),
  orange: entry('Orange', ['Citrus Fruit', 'Fruit', 'Food', 'Plant', 'Produce'], FOOD),
  broccoli: entry('Broccoli', ['Vegetable', 'Food', 'Plant', 'Produce'], FOOD),
  carrot: entry('Carrot', ['Vegetable', 'Food', 'Plant', 'Produce'], FOOD),
  'hot dog': entry('Hot Dog', ['Food'], FOOD),
  pizza: entry('Pizza', ['Food'], FOOD),
  donut: entry('Donut', ['Dessert', 'Food', 'Sweets'], FOOD, ['Doughnut']),
  cake: entry('Cake', ['Dessert', 'Food'], FOOD),
  chair: entry('Chair', ['Furniture'], FURNITURE),
  couch: entry('Couch', ['Furniture'], FURNITURE, ['Sofa']),
  'potted plant': entry('Potted Plant', ['Plant'], ['Plants and Flowers']),
  bed: entry('Bed', ['Furniture'], FURNITURE),
  'dining table': entry('Dining Table', ['Table', 'Furniture'], FURNITURE),
  toilet: entry('Toilet', ['Indoors', 'Bathroom'], HOME),
  tv: entry('TV', ['Electronics', 'Screen'], TECH, ['Television']),
  laptop: entry('Laptop', ['Computer', 'Electronics', 'Pc'], TECH),
  mouse: entry('Mouse', ['Computer Hardware', 'Electronics', 'Hardware'], TECH),
  remote: entry('Remote Control', ['Electronics'], TECH),
  keyboard: entry('Computer Keyboard', ['Computer Hardware', 'Electronics', 'Hardware'], TECH),
  'cell phone': entry('Mobile Phone', ['Phone', 'Electronics'], TECH, ['Cell Phone']),
  microwave: entry('Microwave', ['Appliance', 'Electrical Device'], HOME),
  oven: entry('Oven', ['Appliance', 'Electrical Device'], HOME),
  toaster: entry('Toaster', ['Appliance', 'Electrical Device'], HOME),
  sink: entry('Sink', ['Sink Faucet', 'Indoors'], HOME),
  refrigerator: entry('Refrigerator', ['Appliance', 'Electrical Device'], HOME, ['Fridge']),
  book: entry('Book', ['Publication'], OBJECTS),
  clock: entry('Clock', [], OBJECTS),
  vase: entry('Vase', ['Pottery', 'Jar'], HOME),
  scissors: entry('Scissors', ['Blade', 'Weapon'], OBJECTS),
  'teddy bear': entry('Teddy Bear', ['Toy'], TOYS),
  'hair drier': entry('Hair Drier', ['Appliance', 'Blow Dryer'], HOME),
  toothbrush: entry('Toothbrush', ['Brush', 'Tool'], HOME),
};

/**
 * Parent labels' own ancestors and categories: Rekognition lists a parent as a label of its own
 * (a photo of a cat is also labelled Pet, Mammal and Animal), with its ancestors as Parents.
 */
const PARENT_ANCESTORS: Record<string, readonly string[]> = {
  Mammal: ['Animal'],
  Pet: ['Animal'],
  Canine: ['Animal', 'Mammal'],
  Livestock: ['Animal'],
  Cattle: ['Animal', 'Livestock', 'Mammal'],
  Wildlife: ['Animal'],
  Vehicle: ['Transportation'],
  Aircraft: ['Transportation', 'Vehicle'],
  Fruit: ['Food', 'Plant', 'Produce'],
  'Citrus Fruit': ['Food', 'Fruit', 'Plant', 'Produce'],
  Vegetable: ['Food', 'Plant', 'Produce'],
  Produce: ['Food'],
  Dessert: ['Food'],
  Sweets: ['Food'],
  Table: ['Furniture'],
  'Computer Hardware': ['Electronics', 'Hardware'],
  Computer: ['Electronics'],
  Skiing: ['Sport'],
  Snowboarding: ['Sport'],
  Surfing: ['Sport'],
  Baseball: ['Sport'],
  Tennis: ['Sport'],
  'Road Sign': ['Sign', 'Symbol'],
  Sign: ['Symbol'],
  'Formal Wear': ['Clothing'],
};

const PARENT_CATEGORIES: Record<string, readonly string[]> = {
  Animal: ANIMALS,
  Mammal: ANIMALS,
  Pet: ANIMALS,
  Canine: ANIMALS,
  Livestock: ANIMALS,
  Cattle: ANIMALS,
  Wildlife: ANIMALS,
  Vehicle: VEHICLES,
  Transportation: VEHICLES,
  Aircraft: VEHICLES,
  Fruit: FOOD,
  'Citrus Fruit': FOOD,
  Vegetable: FOOD,
  Food: FOOD,
  Produce: FOOD,
  Dessert: FOOD,
  Sweets: FOOD,
  Furniture: FURNITURE,
  Table: FURNITURE,
  Electronics: TECH,
  Computer: TECH,
  'Computer Hardware': TECH,
  Hardware: TECH,
  Sport: SPORTS,
  Toy: TOYS,
  Accessories: APPAREL,
  Clothing: APPAREL,
  Bag: APPAREL,
  Plant: ['Plants and Flowers'],
};

/** The model's score column i is COCO id i + 1 (the graph drops the background column). */
export const cocoIdOfColumn = (column: number): number => column + 1;

/** Taxonomy entries by the model's score column; undefined for ids COCO leaves unused. */
export const TAXONOMY_BY_COLUMN: ReadonlyMap<number, TaxonomyEntry> = new Map(
  Object.values(CLASSES).flatMap((cls) => {
    const known = BY_COCO_NAME[cls.displayName];
    return known ? [[cls.id - 1, known] as const] : [];
  }),
);

/** COCO classes that have no entry above (a unit test keeps this empty). */
export const unmappedCocoClasses = (): string[] =>
  Object.values(CLASSES)
    .map((c) => c.displayName)
    .filter((name) => !(name in BY_COCO_NAME));

export const columnOf = (name: string): number => {
  for (const [column, entry] of TAXONOMY_BY_COLUMN) if (entry.name === name) return column;
  throw new RangeError(`no COCO class is called ${name}`);
};

export const CAT_COLUMN = columnOf('Cat');
export const DOG_COLUMN = columnOf('Dog');

export const parentEntry = (name: string): TaxonomyEntry => ({
  name,
  parents: PARENT_ANCESTORS[name] ?? [],
  categories: PARENT_CATEGORIES[name] ?? OBJECTS,
});
