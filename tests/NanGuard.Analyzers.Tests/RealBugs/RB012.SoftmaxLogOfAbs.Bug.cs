// Source: GRIST (FSE'21) subject 16, FuzzForTensorflow: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_16
// Bug: the hand-written softmax clips the numerator's logits to [-87, 87] but not the denominator's, which overflows to inf; the probability becomes 0 and the loss takes log(abs(probabilities)).
// Fix: the library's cross entropy on the logits.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB012;

public sealed class Classifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc = nn.Linear(3072, 10);

    public Classifier() : base(nameof(Classifier)) => RegisterComponents();

    public override Tensor forward(Tensor images) => fc.call(images.view(-1, 3072));

    public static Tensor Softmax(Tensor logits) =>
        torch.exp(torch.clamp(logits, -87, 87)) / torch.sum(torch.exp(logits), 1, keepdim: true); // expect: NG1006

    public Tensor Loss(Tensor images, Tensor labels)
    {
        var probabilities = Softmax(forward(images));
        return -torch.sum(labels * torch.log(torch.abs(probabilities)), 1).mean(); // expect: NG1014, NG1009
    }
}
