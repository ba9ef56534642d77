using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnclippedStepAnalyzer,
    NanGuard.CodeFixes.Rules.UnclippedStepCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class UnclippedStepTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private const string Net = """

        sealed class Net : nn.Module<Tensor, Tensor>
        {
            private readonly Linear fc = nn.Linear(4, 2);
            public Net() : base("Net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;

    private const string RecurrentNet = """

        sealed class Net : nn.Module<Tensor, Tensor>
        {
            private readonly LSTM lstm = nn.LSTM(4, 8);
            private readonly Linear fc = nn.Linear(8, 2);
            public Net() : base("Net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(lstm.call(x, null).Item1);
        }
        """;

    private static string Loop(string body) => Usings + $$"""
        class C
        {
            void Train(Net model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters());
        {{body}}
            }
        }
        """ + Net;

    [Fact]
    public Task For_loop_gets_clip_grad_norm_of_the_model_before_the_step() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        loss.backward();
                        [|optimizer.step()|];
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        loss.backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
            """));

    [Fact]
    public Task Foreach_loop() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Train(Net model, IEnumerable<(Tensor, Tensor)> batches)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.001);
                    foreach (var (x, y) in batches)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        // apply the update
                        [|optimizer.step()|];
                    }
                }
            }
            """ + Net, Usings + """
            class C
            {
                void Train(Net model, IEnumerable<(Tensor, Tensor)> batches)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.001);
                    foreach (var (x, y) in batches)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        // apply the update
                        optimizer.step();
                    }
                }
            }
            """ + Net);

    [Fact]
    public Task While_and_do_loops() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    var i = 0;
                    while (i++ < 10)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                    do
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    } while (i-- > 0);
            """), Loop("""
                    var i = 0;
                    while (i++ < 10)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
                    do
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    } while (i-- > 0);
            """));

    [Fact]
    public Task Lambda_and_local_function() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    Action<int> epochs = n =>
                    {
                        for (var i = 0; i < n; i++)
                        {
                            optimizer.zero_grad();
                            F.mse_loss(model.call(x), y).backward();
                            [|optimizer.step()|];
                        }
                    };
                    void Epochs(int n)
                    {
                        for (var i = 0; i < n; i++)
                        {
                            optimizer.zero_grad();
                            F.mse_loss(model.call(x), y).backward();
                            [|optimizer.step()|];
                        }
                    }
                    epochs(1);
                    Epochs(1);
            """), Loop("""
                    Action<int> epochs = n =>
                    {
                        for (var i = 0; i < n; i++)
                        {
                            optimizer.zero_grad();
                            F.mse_loss(model.call(x), y).backward();
                            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                            optimizer.step();
                        }
                    };
                    void Epochs(int n)
                    {
                        for (var i = 0; i < n; i++)
                        {
                            optimizer.zero_grad();
                            F.mse_loss(model.call(x), y).backward();
                            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                            optimizer.step();
                        }
                    }
                    epochs(1);
                    Epochs(1);
            """));

    [Fact]
    public Task Optimizer_field_built_from_a_model_field() =>
        Verify.VerifyCodeFixAsync(Usings + """
            sealed class Trainer
            {
                private readonly Net model = new Net();
                private readonly optim.Optimizer optimizer;

                public Trainer() => optimizer = torch.optim.AdamW(model.parameters());

                public void Train(Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """ + Net, Usings + """
            sealed class Trainer
            {
                private readonly Net model = new Net();
                private readonly optim.Optimizer optimizer;

                public Trainer() => optimizer = torch.optim.AdamW(model.parameters());

                public void Train(Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
                }
            }
            """ + Net);

    [Fact]
    public Task Optimizer_parameter_clips_the_optimizers_own_parameters() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Train(optim.Optimizer optimizer, Func<Tensor> lossOf)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        lossOf().backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """, Usings + """
            class C
            {
                void Train(optim.Optimizer optimizer, Func<Tensor> lossOf)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        lossOf().backward();
                        torch.nn.utils.clip_grad_norm_(optimizer.parameters(), 1.0);
                        optimizer.step();
                    }
                }
            }
            """);

    [Fact]
    public Task Model_local_declared_after_is_not_used_where_it_is_not_visible() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                optim.Optimizer Make()
                {
                    var model = new Net();
                    return torch.optim.Adam(model.parameters());
                }

                void Train(Func<Tensor> lossOf)
                {
                    var optimizer = Make();
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        lossOf().backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """ + Net, Usings + """
            class C
            {
                optim.Optimizer Make()
                {
                    var model = new Net();
                    return torch.optim.Adam(model.parameters());
                }

                void Train(Func<Tensor> lossOf)
                {
                    var optimizer = Make();
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        lossOf().backward();
                        torch.nn.utils.clip_grad_norm_(optimizer.parameters(), 1.0);
                        optimizer.step();
                    }
                }
            }
            """ + Net);

    [Fact]
    public Task Embedded_step_under_an_if_becomes_a_block() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        if (i % 2 == 0) [|optimizer.step()|];
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        if (i % 2 == 0)
                        {
                            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                            optimizer.step();
                        }
                    }
            """));

    [Fact]
    public Task Max_norm_comes_from_the_options() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5);
                        optimizer.step();
                    }
            """), editorConfig: "nanguard.NG2001.max_norm = 0.5");

    [Fact]
    public Task Bad_max_norm_option_falls_back_to_one() =>
        Verify.VerifyCodeFixAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
            """), Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
            """), editorConfig: "nanguard.NG2001.max_norm = -3");

    [Fact]
    public Task Using_static_only_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor x, Tensor y)
                {
                    var optimizer = optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                }

                void Qualified(TorchSharp.Modules.Linear model, TorchSharp.torch.Tensor loss)
                {
                    var optimizer = TorchSharp.torch.optim.SGD(model.parameters(), learningRate: 0.001);
                    while (true)
                    {
                        loss.backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                void Train(TorchSharp.Modules.Linear model, Tensor x, Tensor y)
                {
                    var optimizer = optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(x), y).backward();
                        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
                }

                void Qualified(TorchSharp.Modules.Linear model, TorchSharp.torch.Tensor loss)
                {
                    var optimizer = TorchSharp.torch.optim.SGD(model.parameters(), learningRate: 0.001);
                    while (true)
                    {
                        loss.backward();
                        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
                }
            }
            """);

    [Fact]
    public async Task Ordinary_loop_is_a_suggestion()
    {
        var test = Verify.Test();
        test.TestCode = Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        {|#1:F.mse_loss(model.call(x), y).backward()|};
                        {|#0:optimizer.step()|};
                    }
            """);
        test.FixedCode = Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
            """);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info)
            .WithMessage("step() follows backward() with no gradient clipping; Adam: the step is about the learning rate whatever the gradient's size, so clipping does not bound it; what keeps the weights finite is skipping a step whose gradient is NaN or Inf"));
        await test.RunAsync();
    }

    private static string HighLearningRate(string construction) => Usings + $$"""
        class C
        {
            void Train(Net model, Tensor x, Tensor y)
            {
                var optimizer = {{construction}};
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    {|#1:F.mse_loss(model.call(x), y).backward()|};
                    {|#0:optimizer.step()|};
                }
            }
        }
        """ + Net;

    [Theory]
    [InlineData("torch.optim.SGD(model.parameters(), learningRate: 0.5)", "SGD at learning rate 0.5")]
    [InlineData("torch.optim.SGD(model.parameters(), 2)", "SGD at learning rate 2")]
    [InlineData("torch.optim.SGD(model.parameters(), learningRate: 1e0, momentum: 0.9)", "SGD at learning rate 1")]
    // A float rate is read and printed at the value written, not as 0.60000002384185791.
    [InlineData("torch.optim.SGD(model.parameters(), learningRate: 0.6f)", "SGD at learning rate 0.6")]
    public Task Learning_rate_at_or_above_the_threshold_is_a_warning_where_clipping_bounds_the_step(string construction, string risk) =>
        Verify.VerifyAnalyzerAsync(HighLearningRate(construction),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning).WithArguments($" ({risk})", UnclippedStepClaims.For(risk)));

    // Adam's and RMSProp's step is about the rate whatever the gradient (OptimizerProofs): clipping would not make a high
    // rate safe, so the rate is NG2003's finding and not a reason to raise the unclipped step to a warning.
    [Theory]
    [InlineData("torch.optim.Adam(model.parameters(), lr: 0.01)", "Adam")]
    [InlineData("torch.optim.Adam(model.parameters(), 0.05)", "Adam")]
    [InlineData("torch.optim.AdamW(model.parameters(), lr: 1e-1)", "AdamW")]
    [InlineData("torch.optim.Adam(model.parameters(), lr: 0.01f)", "Adam")]
    [InlineData("torch.optim.RMSProp(model.parameters(), lr: 0.05)", "RMSProp")]
    public Task Learning_rate_above_the_threshold_stays_a_suggestion_where_clipping_does_not_bound_the_step(string construction, string optimizer) =>
        Verify.VerifyAnalyzerAsync(HighLearningRate(construction),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Adaptive(optimizer)));

    [Fact]
    public async Task SGD_at_its_textbook_rate_is_a_suggestion()
    {
        await Verify.VerifyAnalyzerAsync(HighLearningRate("torch.optim.SGD(model.parameters(), learningRate: 0.1)"),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Sgd));
    }

    [Fact]
    public async Task Learning_rate_threshold_comes_from_the_NG2003_option()
    {
        await Verify.VerifyAnalyzerAsync(
            HighLearningRate("torch.optim.SGD(model.parameters(), learningRate: 0.1)"), "nanguard.NG2003.sgd_lr_threshold = 0.1",
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments(" (SGD at learning rate 0.1)", UnclippedStepClaims.Sgd));

        await Verify.VerifyAnalyzerAsync(
            HighLearningRate("torch.optim.SGD(model.parameters(), learningRate: 0.6)"), "nanguard.NG2003.sgd_lr_threshold = 1",
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Sgd));
    }

    private const string Scaler = """

        sealed class Scaler
        {
            public bool FoundInfNan(IEnumerable<Parameter> parameters)
            {
                foreach (var p in parameters)
                {
                    var grad = p.grad;
                    if (grad is not null && (grad.isinf().any().item<bool>() || grad.isnan().any().item<bool>()))
                        return true;
                }
                return false;
            }

            public bool LossIsNaN(Tensor loss) => loss.isnan().any().item<bool>();
        }
        """;

    // A step taken only where a check found the gradients finite is the cure the message recommends, written by hand.
    [Fact]
    public Task Step_under_a_check_of_the_gradients_for_NaN_or_Inf_is_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                void Train(Net model, Scaler scaler, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.9);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        var found = scaler.FoundInfNan(model.parameters());
                        if (!found)
                            optimizer.step();
                    }
                }

                void Skip(Net model, Scaler scaler, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        if (scaler.FoundInfNan(model.parameters()))
                            Console.WriteLine("skipped");
                        else
                            optimizer.step();
                    }
                }

                void Inline(Net model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        if (System.Linq.Enumerable.All(model.parameters(), p => p.grad is null || p.grad.isfinite().all().item<bool>()))
                            optimizer.step();
                    }
                }
            }
            """ + Scaler + Net);

    // A check of the loss, or of something else than the gradients, lets a NaN or Inf gradient through to the step.
    [Fact]
    public Task Step_under_a_check_that_is_not_of_the_gradients_is_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                void Train(Net model, Scaler scaler, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        {|#1:loss.backward()|};
                        if (!scaler.LossIsNaN(loss))
                            {|#0:optimizer.step()|};
                    }
                }

                void Inline(Net model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        {|#3:loss.backward()|};
                        if (loss.isfinite().all().item<bool>())
                            {|#2:optimizer.step()|};
                    }
                }
            }
            """ + Scaler + Net,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Adaptive("Adam")),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Adaptive("Adam")));

    [Fact]
    public async Task Model_holding_an_LSTM_is_a_warning()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Train(Net model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        {|#1:F.mse_loss(model.call(x), y).backward()|};
                        {|#0:optimizer.step()|};
                    }
                }
            }
            """ + RecurrentNet,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("step() follows backward() with no gradient clipping (the model has a recurrent layer); Adam: the step is about the learning rate whatever the gradient's size, so clipping does not bound it; what keeps the weights finite is skipping a step whose gradient is NaN or Inf"));
    }

    [Theory]
    [InlineData("torch.log(F.softmax(model.call(x), 1)).mean()", "NG1001")]
    [InlineData("-(y * torch.log(F.softmax(model.call(x), 1))).sum()", "NG1002")]
    public async Task Loss_a_numerics_rule_flags_is_a_warning(string loss, string id)
    {
        await Verify.VerifyAnalyzerAsync(Loop($$"""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = {{loss}};
                        {|#1:loss.backward()|};
                        {|#0:optimizer.step()|};
                    }
            """),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments($" (the loss is numerically unstable, {id})", UnclippedStepClaims.Adaptive("Adam")));
    }

    [Theory]
    [InlineData("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);")]
    [InlineData("nn.utils.clip_grad_value_(model.parameters(), 0.5);")]
    [InlineData("var norm = TorchSharp.torch.nn.utils.clip_grad_norm_(optimizer.parameters(), max_norm: 2.0);")]
    [InlineData("Clip(model);")]
    public Task Clipping_between_backward_and_step_is_safe(string clip) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                void Train(Net model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.1);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        {{clip}}
                        optimizer.step();
                    }
                }

                static void Clip(Net model) => torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            }
            """ + Net);

    [Fact]
    public Task No_backward_in_the_loop_is_not_a_training_loop() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    F.mse_loss(model.call(x), y).backward();
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.step();
                    }
            """));

    [Fact]
    public Task Backward_after_the_step_does_not_count() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.step();
                        F.mse_loss(model.call(x), y).backward();
                    }
            """));

    [Fact]
    public Task Step_outside_any_loop_is_not_reported() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    optimizer.zero_grad();
                    F.mse_loss(model.call(x), y).backward();
                    optimizer.step();
            """));

    [Fact]
    public Task Loop_outside_the_lambda_does_not_count() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        Action once = () =>
                        {
                            F.mse_loss(model.call(x), y).backward();
                            optimizer.step();
                        };
                        once();
                    }
            """));

    [Fact]
    public Task Step_with_a_closure_is_not_reported() =>
        Verify.VerifyAnalyzerAsync(Loop("""
                    for (var i = 0; i < 10; i++)
                    {
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step(() => F.mse_loss(model.call(x), y));
                    }
            """));

    [Fact]
    public Task A_step_method_that_is_not_an_optimizers_is_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Scheduler { public void step() { } }

            class C
            {
                void Train(Scheduler scheduler, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        loss.backward();
                        scheduler.step();
                    }
                }
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { public void backward() { } }
                    public static class optim { public class Optimizer { public void step() { } } }
                }
            }
            class C
            {
                void M(TorchSharp.torch.Tensor loss, TorchSharp.torch.optim.Optimizer optimizer)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        loss.backward();
                        optimizer.step();
                    }
                }
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}

/// <summary>What NG2001's message says clipping does, per optimizer family, as OptimizerProofs measured it.</summary>
internal static class UnclippedStepClaims
{
    public const string Sgd = "clipping bounds the step an exploding gradient takes, but cannot make a NaN loss or gradient finite";

    public const string Mixed = "clipping bounds an exploding gradient's step for SGD, not for Adam or RMSProp, whose step is about the learning rate; skipping a step whose gradient is NaN or Inf keeps the weights finite for all";

    public static string Adaptive(string optimizers) =>
        optimizers + ": the step is about the learning rate whatever the gradient's size, so clipping does not bound it; what keeps the weights finite is skipping a step whose gradient is NaN or Inf";

    /// <summary>The claim for one optimizer named first in a risk ("Adam at learning rate 0.01").</summary>
    public static string For(string risk) => risk.Split(' ')[0] is "SGD" ? Sgd : Adaptive(risk.Split(' ')[0]);
}
