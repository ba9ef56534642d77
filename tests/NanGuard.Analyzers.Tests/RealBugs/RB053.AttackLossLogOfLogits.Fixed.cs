// Source: GitHub issue IBM/Autozoom-Attack#12 (Question about tf.log usage): https://github.com/IBM/Autozoom-Attack/issues/12
// Bug: the attack's loss takes log of the model's output; in the PyTorch port the model returns raw logits (its softmax is missing), which are negative, and log of them is NaN.
// Fix: take the log of the softmax of the logits, written as F.log_softmax, which is what the original's softmax-ended model computes.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB053;

public sealed class AutoZoomLoss
{
    private readonly nn.Module<Tensor, Tensor> _model;

    public AutoZoomLoss(nn.Module<Tensor, Tensor> model) => _model = model;

    public Tensor Loss(Tensor images, Tensor targetOneHot, double confidence)
    {
        var logProbabilities = F.log_softmax(_model.call(images), 1);
        var real = torch.sum(targetOneHot * logProbabilities, 1);
        var other = torch.amax((1 - targetOneHot) * logProbabilities - targetOneHot * 10000, new long[] { 1 });
        return torch.clamp(real - other, min: -confidence);
    }
}

public static class Models
{
    public static Sequential Classifier() => nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10));
}
