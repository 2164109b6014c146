/** torch/nn/modules/sparse.py: Embedding. */
import { no_grad } from '../../autograd';
import { empty } from '../../creation';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import * as F from '../functional';
import * as init from '../init';
import { Parameter } from '../parameter';
import { Module } from './module';
import { bindArgs, FactoryKwargs, formatFields, PyArgs, REQUIRED } from './utils';

interface EmbeddingArgs extends FactoryKwargs {
  num_embeddings: number;
  embedding_dim: number;
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
}
type EmbeddingNames = [
  'num_embeddings',
  'embedding_dim',
  'padding_idx',
  'max_norm',
  'norm_type',
  'scale_grad_by_freq',
  'sparse',
  '_weight',
  'device',
  'dtype',
];

export interface FromPretrainedOptions {
  freeze?: boolean;
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}

function assert(cond: boolean, message: string): void {
  if (!cond) throw new TorchError(message, 'AssertionError');
}

/** A lookup table: row i of `weight` (num_embeddings, embedding_dim) for index i. */
export class Embedding extends Module<(input: Tensor) => Tensor> {
  declare num_embeddings: number;
  declare embedding_dim: number;
  declare padding_idx: number | null;
  declare max_norm: number | null;
  declare norm_type: number;
  declare scale_grad_by_freq: boolean;
  declare sparse: boolean;
  declare weight: Parameter;

  constructor(...args: PyArgs<EmbeddingArgs, EmbeddingNames>) {
    super();
    const o = bindArgs<Required<EmbeddingArgs>>(
      'Embedding.__init__',
      [
        ['num_embeddings', REQUIRED],
        ['embedding_dim', REQUIRED],
        ['padding_idx', null],
        ['max_norm', null],
        ['norm_type', 2],
        ['scale_grad_by_freq', false],
        ['sparse', false],
        ['_weight', null],
        ['device', null],
        ['dtype', null],
      ],
      args,
    );
    const factory_kwargs = { device: o.device, dtype: o.dtype };
    this.num_embeddings = o.num_embeddings;
    this.embedding_dim = o.embedding_dim;
    let padding_idx = o.padding_idx;
    if (padding_idx !== null) {
      if (padding_idx > 0) assert(padding_idx < this.num_embeddings, 'Padding_idx must be within num_embeddings');
      else if (padding_idx < 0) {
        assert(padding_idx >= -this.num_embeddings, 'Padding_idx must be within num_embeddings');
        padding_idx = this.num_embeddings + padding_idx;
      }
    }
    this.padding_idx = padding_idx;
    this.max_norm = o.max_norm;
    this.norm_type = o.norm_type;
    this.scale_grad_by_freq = o.scale_grad_by_freq;
    if (o._weight === null) {
      this.weight = new Parameter(empty([o.num_embeddings, o.embedding_dim], factory_kwargs));
      this.reset_parameters();
    } else {
      const s = o._weight.shape;
      assert(
        s.length === 2 && s[0] === o.num_embeddings && s[1] === o.embedding_dim,
        'Shape of weight does not match num_embeddings and embedding_dim',
      );
      this.weight = new Parameter(o._weight);
    }
    this.sparse = o.sparse;
  }

  /** N(0, 1), with the padding row zeroed. */
  reset_parameters(): void {
    init.normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }

  _fill_padding_idx_with_zero(): void {
    const idx = this.padding_idx;
    if (idx !== null) no_grad(() => this.weight.select(0, idx).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(
      input,
      this.weight,
      this.padding_idx,
      this.max_norm,
      this.norm_type,
      this.scale_grad_by_freq,
      this.sparse,
    );
  }

  override extra_repr(): string {
    let s = '{num_embeddings}, {embedding_dim}';
    if (this.padding_idx !== null) s += ', padding_idx={padding_idx}';
    if (this.max_norm !== null) s += ', max_norm={max_norm}';
    if (this.norm_type !== 2) s += ', norm_type={norm_type}';
    if (this.scale_grad_by_freq !== false) s += ', scale_grad_by_freq={scale_grad_by_freq}';
    if (this.sparse !== false) s += ', sparse=True';
    return formatFields(s, this);
  }

  /** An Embedding whose weight is `embeddings` (shared memory); frozen (no grad) by default. */
  static from_pretrained(embeddings: Tensor, opts: FromPretrainedOptions = {}): Embedding {
    assert(embeddings.dim() === 2, 'Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    const embedding = new Embedding({
      num_embeddings: rows,
      embedding_dim: cols,
      _weight: embeddings,
      padding_idx: opts.padding_idx ?? null,
      max_norm: opts.max_norm ?? null,
      norm_type: opts.norm_type ?? 2,
      scale_grad_by_freq: opts.scale_grad_by_freq ?? false,
      sparse: opts.sparse ?? false,
    });
    embedding.weight.requires_grad = !(opts.freeze ?? true);
    return embedding;
  }
}
