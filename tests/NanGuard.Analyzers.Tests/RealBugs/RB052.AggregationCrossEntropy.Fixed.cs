// Source: GitHub issue summerlvsong/Aggregation-Cross-Entropy#2 (Need Help! Loss nan): https://github.com/summerlvsong/Aggregation-Cross-Entropy/issues/2
// Bug: ACE sums the softmax scores over all time steps, divides by T and takes -sum(log(input) * label); a class absent from the image has an accumulated score of 0 and label 0, and 0 * log(0) is NaN.
// Fix: add 1e-10 to the softmax scores before they are accumulated (the maintainer's fix in seq_module.py).
// Hazard: 0 * log(0)
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB052;

public sealed class Ace : nn.Module<Tensor, Tensor, Tensor>
{
    public Ace() : base(nameof(Ace)) { }

    public override Tensor forward(Tensor input, Tensor label)
    {
        var bs = input.shape[0];
        var t = input.shape[1] * input.shape[2];
        input = input.view(bs, t, -1);
        input = input + 1e-10;
        label = label.clone();
        label[TensorIndex.Colon, 0] = t - label[TensorIndex.Colon, 0];
        input = torch.sum(input, 1) / t;
        label = label / t;
        return -torch.sum(torch.log(input) * label) / bs;
    }
}

public static class Recognizer
{
    public static Tensor Loss(nn.Module<Tensor, Tensor> model, Ace ace, Tensor images, Tensor label) =>
        ace.call(F.softmax(model.call(images), -1), label);
}
