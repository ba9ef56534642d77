// Source: GitHub issue pytorch/pytorch#24816 (Transformer encoder with src_key_padding_mask makes NaN): https://github.com/pytorch/pytorch/issues/24816
// Bug: attention scores are masked_fill'ed with -inf where the key is padding; a sequence that is all padding gives a row of -inf and softmax of it is 0/0 = NaN, in the output and in every gradient.
// Fix: fill with a large finite negative value, so that a fully masked row is uniform and finite (the stance PyTorch later took for such rows in #131060 is a safe softmax).
// Hazard: softmax of an all -inf row
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB026;

public sealed class SelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query = nn.Linear(64, 64);
    private readonly Linear key = nn.Linear(64, 64);
    private readonly Linear value = nn.Linear(64, 64);

    public SelfAttention() : base(nameof(SelfAttention)) => RegisterComponents();

    public override Tensor forward(Tensor x, Tensor keyPaddingMask)
    {
        var scores = torch.matmul(query.call(x), key.call(x).transpose(1, 2)) / 8.0;
        scores = scores.masked_fill(keyPaddingMask.unsqueeze(1), double.NegativeInfinity);
        var weights = F.softmax(scores, -1); // expect: NG1019
        return torch.matmul(weights, value.call(x));
    }
}
