// Source: GRIST (FSE'21) subject 44, CNNRelationExtraction: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_44
// Bug: the CNN exposes its softmax output as a member (self.y_conv) and the loss is -reduce_sum(self.y_ * log(self.y_conv)).
// Fix: the loss from the logits with the library's cross entropy.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB016;

public sealed class RelationCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv1d conv = nn.Conv1d(50, 230, 3, padding: 1);
    private readonly Linear fc = nn.Linear(230, 19);
    private Tensor _sentences = torch.empty(0);

    public RelationCnn() : base(nameof(RelationCnn)) => RegisterComponents();

    public override Tensor forward(Tensor sentences)
    {
        _sentences = sentences;
        return fc.call(conv.call(sentences).amax(new long[] { 2 }));
    }

    public Tensor YConv => F.softmax(forward(_sentences), 1);

    public Tensor CrossEntropy(Tensor yLabels) => -torch.sum(yLabels * torch.log(YConv)); // expect: NG1002, NG1009, NG1001
}
